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
    private let batchers = Locked<[String: any Sendable]>([:])

    init(configuration: ServiceConfiguration, metrics: TaskMetrics, logger: Logger) {
        pool = InferencePool(workers: configuration.inferenceWorkers)
        let batching = configuration.batching
        limits = BatchLimits(maxBatchSize: batching.maxBatchSize, maxBatchTokens: batching.maxBatchTokens,
                             maxWait: batching.maxWaitSeconds, queueCapacity: batching.queueCapacity)
        defaultTimeoutSeconds = configuration.requests.timeoutSeconds
        maxInputs = configuration.requests.maxInputs
        self.metrics = metrics
        self.logger = logger
    }

    /// The batcher of the model named `name`, made on first use.
    func batcher<Model: ServedModel>(for name: String, _ model: Model) -> Batcher<Model.Item, Model.Output> {
        batchers.withLock { all in
            if let existing = all[name] as? Batcher<Model.Item, Model.Output> { return existing }
            let made = Batcher<Model.Item, Model.Output>(model: name, limits: limits, pool: pool,
                                                         metrics: metrics.batch) { items, isCancelled in
                model.runBatch(items, isCancelled: isCancelled)
            }
            all[name] = made
            return made
        }
    }
}
