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
///
/// The list changes only by whole passes — the first load, then each reload (`ModelCatalog+Reload`) — which
/// run one at a time on `passes`. Readers take a snapshot of the list, so a request resolves its model once
/// and keeps that version even if a reload swaps in another a moment later.
package final class ModelCatalog: Sendable {
    /// One configured model and its state.
    package struct Entry: Sendable {
        package var spec: ModelSpec
        package var state: ModelLoadState
        /// Tells successive loads under one name apart (0 until the first succeeds): a request's batcher
        /// belongs to the load it resolved, not to whatever the name means by the time it runs.
        package var loadID: UInt64 = 0
        /// Why the last reload of this model failed while the version loaded before keeps serving.
        package var reloadError: String?
        /// The folder's files as they were when this version started loading.
        var files = ModelFiles()
    }

    /// Makes the loaders for one pass; called afresh each pass, so caches inside them (a checkpoint shared
    /// by two tasks) hold the files of that pass and go with it.
    package typealias LoaderFactory = @Sendable () -> [String: any ModelLoader]

    let makeLoaders: LoaderFactory
    let list: Locked<[Entry]>
    /// Where load passes run, one at a time.
    let passes = DispatchQueue(label: "kotoba.model-loading", qos: .userInitiated)
    let logger: Logger
    let nextLoadID = Locked<UInt64>(0)
    /// Told the name and load id of each version a reload replaced or removed.
    let retirementObservers = Locked<[@Sendable (String, UInt64) -> Void]>([])
    let pendingReload = Locked(PendingReload())

    /// `loaders` maps a task name (`fill-mask`) to the loader for models of that task.
    package convenience init(models: [ModelSpec], loaders: [String: any ModelLoader], logger: Logger) {
        self.init(models: models, makeLoaders: { loaders }, logger: logger)
    }

    package init(models: [ModelSpec], makeLoaders: @escaping LoaderFactory, logger: Logger) {
        self.makeLoaders = makeLoaders
        self.list = Locked(models.map { Entry(spec: $0, state: .pending) })
        self.logger = logger
    }

    /// Every configured model in configuration order.
    package var entries: [Entry] { list.current }

    /// True when every configured model is ready (so also with none configured).
    package var allReady: Bool {
        entries.allSatisfy(\.state.isReady)
    }

    /// The ready model with this name.
    package func model(named name: String) -> (any LoadedModel)? {
        entries.first { $0.spec.name == name }.flatMap { entry in
            if case let .ready(model) = entry.state { model } else { nil }
        }
    }

    /// The ready default entry for a task, or the only ready entry of that task when none is marked default.
    package func defaultEntry(for task: String) -> Entry? {
        let ready = entries.filter { $0.spec.task == task && $0.state.isReady }
        return ready.first { $0.spec.isDefault } ?? (ready.count == 1 ? ready[0] : nil)
    }

    /// The ready default model for a task, or the only ready model of that task when none is marked default.
    package func defaultModel(for task: String) -> (spec: ModelSpec, model: any LoadedModel)? {
        guard let entry = defaultEntry(for: task), case let .ready(model) = entry.state else { return nil }
        return (entry.spec, model)
    }

    /// Calls `observer` with the name and load id of every loaded version a reload replaces or removes.
    package func onRetire(_ observer: @escaping @Sendable (String, UInt64) -> Void) {
        retirementObservers.withLock { $0.append(observer) }
    }

    /// Loads every pending model, up to one per core at a time, off the caller's thread; `completion` runs once
    /// all have finished. Two entries naming one folder share it through the loaders' `SharedCheckpoints`,
    /// whose loads are serialised.
    package func loadAll(completion: (@Sendable () -> Void)? = nil) {
        passes.async { [self] in
            let loaders = makeLoaders()
            let pending = list.current.indices.filter { list.current[$0].state.name == "pending" }
            DispatchQueue.concurrentPerform(iterations: pending.count) { position in
                let index = pending[position]
                let spec = list.current[index].spec
                list.withLock { $0[index].state = .loading }
                let loaded = load(spec, loaders: loaders)
                list.withLock { $0[index] = loaded }
            }
            completion?()
        }
    }

    /// Loads one model: an entry that is ready (with a fresh load id) or failed, logged either way.
    func load(_ spec: ModelSpec, loaders: [String: any ModelLoader]) -> Entry {
        // Taken before reading, so a file replaced during the load shows as changed at the next reload.
        let files = ModelFiles(path: spec.path)
        var metadata: Logger.Metadata = ["model": "\(spec.name)", "task": "\(spec.task)", "path": "\(spec.path)"]
        guard let loader = loaders[spec.task] else {
            let message = "task \(spec.task) not supported yet"
            metadata["error"] = "\(message)"
            logger.error("model failed to load", metadata: metadata)
            return Entry(spec: spec, state: .failed(message), files: files)
        }
        logger.info("model loading", metadata: metadata)
        let started = DispatchTime.now()
        do {
            let model = try loader.load(spec)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            metadata["seconds"] = .stringConvertible((elapsed * 1000).rounded() / 1000)
            metadata["architecture"] = "\(model.metadata.architecture)"
            logger.info("model ready", metadata: metadata)
            let id = nextLoadID.withLock { id -> UInt64 in
                id += 1
                return id
            }
            return Entry(spec: spec, state: .ready(model), loadID: id, files: files)
        } catch {
            let message = String(describing: error)
            metadata["error"] = "\(message)"
            logger.error("model failed to load", metadata: metadata)
            return Entry(spec: spec, state: .failed(message), files: files)
        }
    }
}
