import Dispatch
import KotobaHTTP
import Logging

/// The shared machinery of the task endpoints: the inference pool, one batcher per model, the preparation
/// queue and the request limits.
final class InferenceHub: Sendable {
    let pool: InferencePool
    let limits: BatchLimits
    /// Deadline for a request that sends no `X-Request-Timeout-Ms`.
    let defaultTimeoutSeconds: Double
    /// Most inputs in one request.
    let maxInputs: Int
    let metrics: TaskMetrics
    /// Where failures of ours are logged with their cause and request id.
    let logger: Logger
    /// Where bodies are parsed and inputs tokenized: off the event loops, which must never wait on CPU work.
    let preparation = DispatchQueue(label: "kotoba.prepare", qos: .userInitiated, attributes: .concurrent)
    private let batchers = Locked<Batchers>(Batchers())

    private struct Batchers {
        var byModel: [Key: any ModelBatcher] = [:]
        /// Per model name, the newest load id a reload retired (load ids only grow, so every older version of
        /// that name is retired too).
        var retiredThrough: [String: UInt64] = [:]
        var closed = false
    }

    /// One loaded version of a model: a reload that replaces the model gives its name a new load id, and the
    /// new version a batcher of its own.
    private struct Key: Hashable {
        var name: String
        var loadID: UInt64
    }

    init(configuration: ServiceConfiguration, metrics: TaskMetrics, logger: Logger) {
        pool = InferencePool(workers: configuration.inferenceWorkers)
        let batching = configuration.batching
        limits = BatchLimits(maxBatchSize: batching.maxBatchSize, maxBatchTokens: batching.maxBatchTokens,
                             maxWait: batching.maxWaitSeconds, queueCapacity: batching.queueCapacity,
                             maxBatchMemoryBytes: batching.maxBatchMemoryBytes > 0 ? batching.maxBatchMemoryBytes : .max)
        defaultTimeoutSeconds = configuration.requests.timeoutSeconds
        maxInputs = configuration.requests.maxInputs
        self.metrics = metrics
        self.logger = logger
    }

    /// The batcher of the version `loadID` of the model named `name`, made on first use. A load is one model,
    /// so one batcher type; the cast back from the map is the price of holding every batcher in one place.
    func batcher<Model: ServedModel>(for name: String, loadID: UInt64, _ model: Model) -> Batcher<Model.Item, Model.Output> {
        let key = Key(name: name, loadID: loadID)
        return batchers.withLock { all in
            if let existing = all.byModel[key] as? Batcher<Model.Item, Model.Output> { return existing }
            var limits = self.limits
            // One layer's attention scores, Float32 per head per (query, key) pair: the largest activation.
            limits.memoryBytesPerSquaredToken = (model.metadata.attentionHeads ?? 0) * MemoryLayout<Float>.size
            // A request that resolved a version just before a reload retired it still runs on that version, on
            // a batcher of its own that goes with its last request: keeping it here would keep the old weights,
            // and letting it take the queue gauge would hide the current version's queue (or revive a removed
            // model's).
            let isRetired = all.retiredThrough[name].map { loadID <= $0 } ?? false
            let made = Batcher<Model.Item, Model.Output>(model: name, limits: limits, pool: pool,
                                                         metrics: metrics.batch,
                                                         reportsQueueDepth: !isRetired) { items, isCancelled in
                model.runBatch(items, isCancelled: isCancelled)
            }
            if all.closed { made.close() }
            if isRetired { return made }
            all.byModel[key] = made
            return made
        }
    }

    /// Forgets the batcher of a version a reload replaced or removed. Requests that already hold it still run
    /// on it; when the last has finished, it and the model it runs go.
    func retire(name: String, loadID: UInt64) {
        let nameGone = batchers.withLock { all -> Bool in
            all.byModel[Key(name: name, loadID: loadID)] = nil
            all.retiredThrough[name] = max(all.retiredThrough[name] ?? 0, loadID)
            return !all.byModel.keys.contains { $0.name == name }
        }
        if nameGone { metrics.batch.unwatchQueue(model: name) }
    }

    /// Refuses new task requests (503 `shutting_down`) from now on; queued ones still run. Called when the
    /// service stops taking connections.
    func close() {
        let open = batchers.withLock { all -> [any ModelBatcher] in
            all.closed = true
            return Array(all.byModel.values)
        }
        for batcher in open { batcher.close() }
    }

    /// Lets the inference threads exit once the work already submitted has run.
    func stop() {
        pool.stop()
    }
}

/// What the hub does with a batcher without knowing its item and output types.
protocol ModelBatcher: Sendable {
    /// Refuses new work; queued work still runs.
    func close()
}

extension Batcher: ModelBatcher {}
