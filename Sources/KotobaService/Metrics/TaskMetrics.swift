import KotobaHTTP

/// Per-model metric families of the task endpoints, named after text-embeddings-inference's (`te_request_*`,
/// `te_batch_*`, `te_queue_size`) with the `kotoba_` prefix, so dashboards built for TEI read them.
package final class TaskMetrics: Sendable {
    /// Task requests received, by model and task.
    package let requests: CounterFamily
    package let successes: CounterFamily
    /// Failed task requests by `reason` (the error envelope's `error_type`).
    package let failures: CounterFamily
    package let duration: HistogramFamily
    package let tokenization: HistogramFamily
    package let queue: HistogramFamily
    package let inference: HistogramFamily
    /// Input tokens after truncation, special tokens included.
    package let inputTokens: CounterFamily
    package let batch: BatchMetrics

    init(registry: MetricsRegistry, durationBuckets: [Double]) {
        let labels = ["model", "task"]
        requests = registry.counter("kotoba_request_count", help: "Task requests received.", labels: labels)
        successes = registry.counter("kotoba_request_success", help: "Task requests answered 200.", labels: labels)
        failures = registry.counter("kotoba_request_failure", help: "Task requests that failed, by reason.",
                                    labels: labels + ["reason"])
        duration = registry.histogram("kotoba_request_duration_seconds",
                                      help: "Task request time from parsing to the response body.",
                                      labels: labels, buckets: durationBuckets)
        tokenization = registry.histogram("kotoba_request_tokenization_duration_seconds",
                                          help: "Time spent tokenizing a request's inputs.", labels: labels,
                                          buckets: durationBuckets)
        queue = registry.histogram("kotoba_request_queue_duration_seconds",
                                   help: "Time a request waited for its batch.", labels: labels,
                                   buckets: durationBuckets)
        inference = registry.histogram("kotoba_request_inference_duration_seconds",
                                       help: "Run time of the batch a request was in.", labels: labels,
                                       buckets: durationBuckets)
        inputTokens = registry.counter("kotoba_request_input_tokens", help: "Input tokens of answered requests.",
                                       labels: labels)
        batch = BatchMetrics(registry: registry, durationBuckets: durationBuckets)
    }
}

/// Batch-level families: sizes, tokens, padding, run time and queue depth, per model.
package final class BatchMetrics: Sendable {
    package let size: HistogramFamily
    package let tokens: HistogramFamily
    /// Padding positions a batch of encoder inputs computes: rows × longest − real tokens.
    package let paddingTokens: CounterFamily
    package let inference: HistogramFamily
    private let depths = Locked<[(model: String, depth: @Sendable () -> Int)]>([])

    /// Batch-size buckets: powers of two up to the largest batch the configuration allows.
    static let sizeBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096]
    static let tokenBuckets: [Double] = [16, 64, 256, 1024, 4096, 16_384, 65_536, 262_144, 1_048_576]

    init(registry: MetricsRegistry, durationBuckets: [Double]) {
        size = registry.histogram("kotoba_batch_size", help: "Inputs per batch.", labels: ["model"],
                                  buckets: Self.sizeBuckets)
        tokens = registry.histogram("kotoba_batch_tokens", help: "Input tokens per batch.", labels: ["model"],
                                    buckets: Self.tokenBuckets)
        paddingTokens = registry.counter("kotoba_batch_padding_tokens",
                                         help: "Padding positions computed: rows times longest row minus tokens.",
                                         labels: ["model"])
        inference = registry.histogram("kotoba_batch_inference_duration_seconds", help: "Run time of one batch.",
                                       labels: ["model"], buckets: durationBuckets)
        let depths = self.depths
        registry.sampled("kotoba_queue_size", help: "Requests waiting for a batch.", labels: ["model"]) {
            depths.current.map { ([$0.model], Double($0.depth())) }
        }
    }

    /// Reports `depth` as the queue size of `model` at each scrape (a later call for the model replaces it).
    func watchQueue(model: String, depth: @escaping @Sendable () -> Int) {
        depths.withLock { all in
            all.removeAll { $0.model == model }
            all.append((model, depth))
        }
    }

    /// Stops reporting the queue of a model that is gone.
    func unwatchQueue(model: String) {
        depths.withLock { $0.removeAll { $0.model == model } }
    }

    func recordBatch(model: String, size count: Int, tokens perInput: [Int], seconds: Double) {
        let total = perInput.reduce(0, +)
        size.observe(Double(perInput.count), [model])
        tokens.observe(Double(total), [model])
        paddingTokens.increment([model], by: perInput.count * (perInput.max() ?? 0) - total)
        inference.observe(seconds, [model])
    }
}
