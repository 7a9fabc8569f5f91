import Dispatch
import KotobaHTTP
import Logging

/// What one reload did, model by model; `/admin/reload` answers with it and the log records it.
package struct ReloadReport: Sendable, Equatable {
    /// Newly configured models now serving.
    package var added: [String] = []
    /// Models whose path, task or files changed, now serving their new version.
    package var replaced: [String] = []
    /// Models no longer configured: gone from the list, their queued requests finishing on them.
    package var removed: [String] = []
    /// Models left as they were (a changed `default` flag alone counts as unchanged).
    package var unchanged: [String] = []
    /// Models that failed to load, by name, with why; a model that was serving keeps its previous version.
    package var failed: [String: String] = [:]
    /// Why the configuration could not be read; nothing changed when set.
    package var configurationError: String?

    /// True when everything asked for took effect.
    package var succeeded: Bool { failed.isEmpty && configurationError == nil }
}

/// Reloads requested while one is queued join it; one requested while a reload runs starts another after
/// it, which reads the configuration again then.
struct PendingReload {
    var waiters: [@Sendable (ReloadReport) -> Void] = []
    var scheduled = false
}

extension ModelCatalog {
    /// Brings the list in line with `readModels()` (the configuration file's models, read when the pass starts):
    /// new models load and pass their self-check in the background and then join; a model whose path, task or
    /// files changed loads again and its new version replaces the old in one step; models no longer listed go.
    /// Requests already holding a model finish on it. A load that fails leaves a serving model serving (its
    /// entry shows the error in `reloadError`) and a model that never loaded `failed`.
    ///
    /// Runs after any pass already queued (the first load included); `completion` gets the report.
    package func reload(readModels: @escaping @Sendable () throws -> [ModelSpec],
                        completion: @escaping @Sendable (ReloadReport) -> Void = { _ in }) {
        let schedule = pendingReload.withLock { pending -> Bool in
            pending.waiters.append(completion)
            guard !pending.scheduled else { return false }
            pending.scheduled = true
            return true
        }
        guard schedule else { return }
        passes.async { [self] in
            let waiters = pendingReload.withLock { pending -> [@Sendable (ReloadReport) -> Void] in
                defer { pending = PendingReload() }
                return pending.waiters
            }
            let report: ReloadReport
            do { report = reloadPass(to: try readModels()) } catch {
                report = ReloadReport(configurationError: String(describing: error))
                logger.error("reload refused: the configuration could not be read; nothing changed",
                             metadata: ["error": "\(error)"])
            }
            for waiter in waiters { waiter(report) }
        }
    }

    /// What a reload does with one configured model.
    private enum Step {
        case keep(Entry)
        case load(ModelSpec, replacing: Entry?)
    }

    /// One reload, on `passes`: plan, load what needs loading, then swap the whole list at once.
    private func reloadPass(to specs: [ModelSpec]) -> ReloadReport {
        let current = list.current
        let steps = specs.map { spec -> Step in
            guard var old = current.first(where: { $0.spec.name == spec.name }) else { return .load(spec, replacing: nil) }
            guard old.state.isReady, old.spec.path == spec.path, old.spec.task == spec.task,
                  old.spec.quantization == spec.quantization,
                  old.files.changes(to: ModelFiles(path: spec.path)).isEmpty else {
                return .load(spec, replacing: old)
            }
            old.spec = spec
            old.reloadError = nil
            return .keep(old)
        }
        let loaders = makeLoaders()
        let toLoad = steps.indices.filter { if case .load = steps[$0] { true } else { false } }
        let loaded = Locked<[Int: Entry]>([:])
        DispatchQueue.concurrentPerform(iterations: toLoad.count) { position in
            guard case let .load(spec, _) = steps[toLoad[position]] else { return }
            let entry = load(spec, loaders: loaders)
            loaded.withLock { $0[toLoad[position]] = entry }
        }
        var report = ReloadReport()
        var retired: [(String, UInt64)] = []
        var next: [Entry] = []
        for (index, step) in steps.enumerated() {
            switch step {
            case let .keep(entry):
                report.unchanged.append(entry.spec.name)
                next.append(entry)
            case let .load(spec, replacing: old):
                guard let entry = loaded.current[index] else { continue }
                if case let .failed(message) = entry.state {
                    report.failed[spec.name] = message
                    if var old, old.state.isReady {
                        old.reloadError = message
                        next.append(old)
                        continue
                    }
                } else if let old {
                    report.replaced.append(spec.name)
                    if old.state.isReady { retired.append((old.spec.name, old.loadID)) }
                } else {
                    report.added.append(spec.name)
                }
                next.append(entry)
            }
        }
        let names = Set(specs.map(\.name))
        for old in current where !names.contains(old.spec.name) {
            report.removed.append(old.spec.name)
            if old.state.isReady { retired.append((old.spec.name, old.loadID)) }
        }
        list.withLock { $0 = next }
        let observers = retirementObservers.current
        for (name, id) in retired {
            for observer in observers { observer(name, id) }
        }
        log(report)
        return report
    }

    private func log(_ report: ReloadReport) {
        var metadata: Logger.Metadata = [:]
        for (key, names) in [("added", report.added), ("replaced", report.replaced), ("removed", report.removed),
                             ("unchanged", report.unchanged)] where !names.isEmpty {
            metadata[key] = .array(names.map { "\($0)" })
        }
        if report.failed.isEmpty {
            logger.notice("models reloaded", metadata: metadata)
        } else {
            metadata["failed"] = .dictionary(report.failed.mapValues { "\($0)" })
            logger.error("models reloaded, some failed; a model that was serving keeps its previous version",
                         metadata: metadata)
        }
    }
}
