import Dispatch
import Foundation
import KotobaHTTP
import Logging

/// Runs `kotoba serve` to completion: start, wait for SIGTERM or SIGINT, drain, stop.
public enum ServeRunner {
    /// Task loaders the service ships with, by the task name `models[].task` uses.
    public static var builtInLoaders: [String: any ModelLoader] {
        [
            FillMaskModel.task: TaskModelLoader { try FillMaskModel(directory: $0, facts: $1) },
            ClassificationModel.task: TaskModelLoader { try ClassificationModel(directory: $0, facts: $1) },
            NextSentenceModel.task: TaskModelLoader { try NextSentenceModel(directory: $0, facts: $1) },
            EmbeddingModel.task: TaskModelLoader { try EmbeddingModel(directory: $0, facts: $1) },
            TranslationModel.task: TaskModelLoader { try TranslationModel(directory: $0, facts: $1) },
        ]
    }

    /// Blocks until the service has stopped; returns the process exit status (0 after a clean shutdown,
    /// 1 when the listener could not open).
    public static func run(configuration: ServiceConfiguration,
                           loaders: [String: any ModelLoader] = builtInLoaders) -> Int32 {
        let service = Service(configuration: configuration, loaders: loaders)
        let stopped = DispatchSemaphore(value: 0)
        let signals = SignalWatcher(signals: [SIGTERM, SIGINT]) { signal in
            service.logger.notice("signal received", metadata: ["signal": "\(signal == SIGTERM ? "SIGTERM" : "SIGINT")"])
            service.beginShutdown { stopped.signal() }
        }
        do {
            try service.start()
        } catch {
            service.logger.critical("cannot start", metadata: ["error": "\(error)"])
            signals.cancel()
            return 1
        }
        stopped.wait()
        signals.cancel()
        return 0
    }
}
