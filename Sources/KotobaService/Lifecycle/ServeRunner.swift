import Dispatch
import Foundation
import KotobaHTTP
import KotobaTasks
import Logging

/// Runs `kotoba serve` to completion: start, wait for SIGTERM or SIGINT, drain, stop.
package enum ServeRunner {
    /// Task loaders the service ships with, by the task name `models[].task` uses. Each runs the model
    /// directory's golden self-check (`kotoba-golden.json`, when present) before the model counts as ready.
    /// Fill-mask and next-sentence entries naming the same `BertForPreTraining` folder share one copy of it.
    package static var builtInLoaders: [String: any ModelLoader] {
        typealias Loader = TaskModelLoader
        let inputs = 100_000
        let shared = SharedCheckpoints()
        return [
            FillMaskModel.task: Loader.selfChecked({ try FillMaskModel(directory: $0, facts: $1, quantization: $2, shared: shared) },
                                                   TaskRoutes.fillMask(inputs)),
            ClassificationModel.task: Loader.selfChecked(ClassificationModel.init, TaskRoutes.classify(inputs)),
            NextSentenceModel.task: Loader.selfChecked({ try NextSentenceModel(directory: $0, facts: $1, quantization: $2, shared: shared) },
                                                       TaskRoutes.nextSentence(inputs)),
            EmbeddingModel.task: Loader.selfChecked(EmbeddingModel.init, TaskRoutes.embed(inputs)),
            TranslationModel.task: Loader.selfChecked(TranslationModel.init, TaskRoutes.translate(inputs)),
            WordVectorsModel.task: Loader.selfChecked(WordVectorsModel.init, TaskRoutes.similar),
        ]
    }

    /// Blocks until the service has stopped; returns the process exit status (0 after a clean shutdown,
    /// 1 when the listener could not open, 2 when a file the configuration names is unusable). `reread`
    /// gives the configuration afresh for each reload.
    package static func run(configuration: ServiceConfiguration,
                           loaders: @autoclosure @escaping @Sendable () -> [String: any ModelLoader] = builtInLoaders,
                           reread: Reloader.ConfigurationSource? = nil) -> Int32 {
        let service: Service
        do { service = try Service(configuration: configuration, loaders: loaders(), reread: reread) } catch {
            // Worded like `kotoba serve`'s other configuration errors, which also exit 2.
            FileHandle.standardError.write(Data("kotoba: configuration error: \(error)\n".utf8))
            return 2
        }
        let stopped = DispatchSemaphore(value: 0)
        let signals = SignalWatcher(signals: [SIGTERM, SIGINT, SIGHUP]) { signal in
            if signal == SIGHUP {
                service.logger.notice("signal received", metadata: ["signal": "SIGHUP"])
                return service.reload()
            }
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
