import Dispatch
import Foundation
import KotobaHTTP
import Logging

/// The configured models and each one's load state; `/readyz`, `/v1/models` and task handlers read it.
///
/// Models load on background threads once the port is open, so a slow load is visible as a 503 from `/readyz`
/// rather than a connection refused; several load at once, one per core, since reading and converting weights
/// and running the golden checks keep a core busy each. A model whose task has no registered loader fails
/// with a message saying so: nothing is pretended loaded.
package final class ModelCatalog: Sendable {
    /// One configured model and its state.
    package struct Entry: Sendable {
        package let spec: ModelSpec
        package let state: ModelLoadState
    }

    private let specs: [ModelSpec]
    private let loaders: [String: any ModelLoader]
    private let states: Locked<[ModelLoadState]>
    private let queue = DispatchQueue(label: "kotoba.model-loading", qos: .userInitiated)
    private let logger: Logger

    /// `loaders` maps a task name (`fill-mask`) to the loader for models of that task.
    package init(models: [ModelSpec], loaders: [String: any ModelLoader], logger: Logger) {
        self.specs = models
        self.loaders = loaders
        self.states = Locked(Array(repeating: .pending, count: models.count))
        self.logger = logger
    }

    /// Every configured model in configuration order.
    package var entries: [Entry] {
        let current = states.current
        return zip(specs, current).map { Entry(spec: $0, state: $1) }
    }

    /// True when every configured model is ready (so also with none configured).
    package var allReady: Bool {
        states.current.allSatisfy(\.isReady)
    }

    /// The ready model with this name.
    package func model(named name: String) -> (any LoadedModel)? {
        entries.first { $0.spec.name == name }.flatMap { entry in
            if case let .ready(model) = entry.state { model } else { nil }
        }
    }

    /// The ready default model for a task, or the only ready model of that task when none is marked default.
    package func defaultModel(for task: String) -> (spec: ModelSpec, model: any LoadedModel)? {
        let ready = entries.compactMap { entry -> (ModelSpec, any LoadedModel)? in
            guard entry.spec.task == task, case let .ready(model) = entry.state else { return nil }
            return (entry.spec, model)
        }
        return ready.first { $0.0.isDefault } ?? (ready.count == 1 ? ready[0] : nil)
    }

    /// Loads every pending model, up to one per core at a time, off the caller's thread; `completion` runs once
    /// all have finished. Two entries naming one folder share it through the loaders' `SharedCheckpoints`,
    /// whose loads are serialised.
    package func loadAll(completion: (@Sendable () -> Void)? = nil) {
        queue.async { [self] in
            DispatchQueue.concurrentPerform(iterations: specs.count) { index in
                load(at: index)
            }
            completion?()
        }
    }

    private func load(at index: Int) {
        let spec = specs[index]
        var metadata: Logger.Metadata = ["model": "\(spec.name)", "task": "\(spec.task)", "path": "\(spec.path)"]
        guard let loader = loaders[spec.task] else {
            let message = "task \(spec.task) not supported yet"
            states.withLock { $0[index] = .failed(message) }
            metadata["error"] = "\(message)"
            logger.error("model failed to load", metadata: metadata)
            return
        }
        states.withLock { $0[index] = .loading }
        logger.info("model loading", metadata: metadata)
        let started = DispatchTime.now()
        do {
            let model = try loader.load(name: spec.name, task: spec.task, path: spec.path)
            states.withLock { $0[index] = .ready(model) }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            metadata["seconds"] = .stringConvertible((elapsed * 1000).rounded() / 1000)
            metadata["architecture"] = "\(model.metadata.architecture)"
            logger.info("model ready", metadata: metadata)
        } catch {
            let message = String(describing: error)
            states.withLock { $0[index] = .failed(message) }
            metadata["error"] = "\(message)"
            logger.error("model failed to load", metadata: metadata)
        }
    }
}
