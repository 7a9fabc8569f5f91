import Dispatch
import KotobaHTTP
import KotobaTasks

/// Dynamic batching for one model: requests that arrive together run as one batch on the inference pool.
///
/// A batch is cut from the front of the queue (oldest first, so no request is overtaken) until the next
/// request would pass `maxBatchSize` or `maxBatchTokens`, counted padded (rows × the longest input: what the
/// padded forward pass costs, so one long input with many short ones is not mistaken for a cheap batch); the
/// first request always goes, so one larger than the budget runs alone rather than never. An idle model waits at most `maxWait` after the oldest request
/// arrived; a busy one cuts the next batch the moment the running one ends, which is where batches grow.
/// One batch runs per model at a time: BLAS already spreads a batch over cores, and requests queueing behind
/// a running batch are what make the next one large.
package final class Batcher<Item: Sendable, Output: Sendable>: Sendable {
    /// Runs one batch: one result per item, in order. `isCancelled(i)` turns true once nobody waits for item
    /// `i` (deadline passed or client gone), so long work such as decoding can stop early.
    package typealias Run = @Sendable (_ items: [Item], _ isCancelled: @escaping @Sendable (Int) -> Bool)
        -> [Result<Output, any Error>]

    package typealias Limits = BatchLimits

    package let model: String
    package let limits: Limits
    private let pool: InferencePool
    private let run: Run
    private let metrics: BatchMetrics?
    private let state = Locked(State())
    private let timers: DispatchQueue

    private struct State {
        var queue: [BatchJob<Item, Output>] = []
        var nextID: UInt64 = 0
        var running = false
        var timerArmed = false
        var closed = false
        /// Moving average of batch run time, for `Retry-After`.
        var averageBatchSeconds = 0.05
    }

    package init(model: String, limits: Limits, pool: InferencePool, metrics: BatchMetrics? = nil,
                run: @escaping Run) {
        self.model = model
        self.limits = limits
        self.pool = pool
        self.run = run
        self.metrics = metrics
        self.timers = DispatchQueue(label: "kotoba.batcher.\(model)")
        metrics?.watchQueue(model: model) { [weak self] in self?.queueDepth ?? 0 }
    }

    /// Requests waiting for a batch.
    package var queueDepth: Int { state.withLock { $0.queue.count } }

    /// Queues one request's items (with their token counts) to run before `deadline`.
    ///
    /// `completion` runs exactly once: with the outputs in item order, or with why there are none
    /// (`queueFull` at once, `deadlineExceeded` when the deadline passes first, `clientGone` when `context`
    /// reports the client left, `failed` when the model threw).
    package func submit(_ items: [Item], tokens: [Int], deadline: DispatchTime, context: RequestContext? = nil,
                       completion: @escaping @Sendable (Result<([Output], BatchTiming), BatchError>) -> Void) {
        let now = DispatchTime.now()
        let admitted = state.withLock { state -> BatchJob<Item, Output>? in
            guard !state.closed else { return nil }
            guard state.queue.count < limits.queueCapacity else { return nil }
            state.nextID += 1
            let job = BatchJob(id: state.nextID, items: items, tokens: tokens, submittedAt: now, deadline: deadline,
                               completion: completion)
            state.queue.append(job)
            return job
        }
        guard let job = admitted else {
            let (closed, retry) = state.withLock { ($0.closed, retryAfter(queued: $0.queue.count, $0.averageBatchSeconds)) }
            completion(.failure(closed ? .shuttingDown
                                       : .queueFull(capacity: limits.queueCapacity, retryAfterSeconds: retry)))
            return
        }
        let milliseconds = Int((max(0, Double(deadline.uptimeNanoseconds) - Double(now.uptimeNanoseconds)) / 1e6).rounded())
        // Weak: a job answered long before its deadline should not live on in the timer until then.
        timers.asyncAfter(deadline: deadline) { [weak self, weak job] in
            guard let job else { return }
            if job.finish(.failure(.deadlineExceeded(milliseconds: milliseconds))) { self?.remove(job) }
        }
        context?.onClientGone { [weak self, weak job] in
            guard let job else { return }
            if job.finish(.failure(.clientGone)) { self?.remove(job) }
        }
        schedule()
    }

    /// Refuses new work; queued requests still run.
    package func close() {
        state.withLock { $0.closed = true }
    }

    /// Seconds until a queue of `queued` requests is likely to have drained: full batches at the average
    /// batch time, plus the batch running now.
    private func retryAfter(queued: Int, _ averageBatchSeconds: Double) -> Int {
        let batches = (queued + limits.maxBatchSize - 1) / limits.maxBatchSize + 1
        return max(1, Int((Double(batches) * averageBatchSeconds).rounded(.up)))
    }

    private func remove(_ job: BatchJob<Item, Output>) {
        state.withLock { state in state.queue.removeAll { $0.id == job.id } }
    }

    /// Starts a batch if the model is idle and one is due, else arms the max-wait timer.
    private enum Next { case nothing, wait(DispatchTime), run([BatchJob<Item, Output>]) }

    private func schedule() {
        let next = state.withLock { state -> Next in
            state.queue.removeAll(where: \.isFinished)
            guard !state.running, let oldest = state.queue.first else { return .nothing }
            let due = oldest.submittedAt + limits.maxWait
            let rows = state.queue.reduce(0) { $0 + $1.items.count }
            let full = rows >= limits.maxBatchSize
                || rows * (state.queue.map(\.longestInput).max() ?? 0) >= limits.maxBatchTokens
            guard full || DispatchTime.now() >= due else {
                if state.timerArmed { return .nothing }
                state.timerArmed = true
                return .wait(due)
            }
            var batch: [BatchJob<Item, Output>] = []
            var inputs = 0, longest = 0
            while let job = state.queue.first {
                let (grownInputs, grownLongest) = (inputs + job.items.count, max(longest, job.longestInput))
                if !batch.isEmpty && (grownInputs > limits.maxBatchSize
                                      || grownInputs * grownLongest > limits.maxBatchTokens) { break }
                batch.append(state.queue.removeFirst())
                (inputs, longest) = (grownInputs, grownLongest)
            }
            state.running = true
            return .run(batch)
        }
        switch next {
        case .nothing: break
        case let .wait(due):
            timers.asyncAfter(deadline: due) { [weak self] in
                guard let self else { return }
                state.withLock { $0.timerArmed = false }
                schedule()
            }
        case let .run(batch):
            pool.submit { [self] in
                execute(batch)
                state.withLock { $0.running = false }
                schedule()
            }
        }
    }

    private func execute(_ batch: [BatchJob<Item, Output>]) {
        let live = batch.filter { !$0.isFinished }
        guard !live.isEmpty else { return }
        let started = DispatchTime.now()
        let items = live.flatMap(\.items)
        // Which job each flattened item belongs to, so the model can ask whether anyone still waits for it.
        let owners = live.enumerated().flatMap { index, job in Array(repeating: index, count: job.items.count) }
        let results = run(items) { item in
            let job = live[owners[item]]
            return job.isFinished || DispatchTime.now() >= job.deadline
        }
        let ended = DispatchTime.now()
        let seconds = Double(ended.uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        state.withLock { $0.averageBatchSeconds = 0.8 * $0.averageBatchSeconds + 0.2 * seconds }
        let tokens = live.flatMap(\.tokens)
        metrics?.recordBatch(model: model, size: items.count, tokens: tokens, seconds: seconds)
        var cursor = 0
        for job in live {
            let slice = results.count == items.count ? Array(results[cursor..<(cursor + job.items.count)]) : []
            cursor += job.items.count
            let timing = BatchTiming(
                queueSeconds: Double(started.uptimeNanoseconds - job.submittedAt.uptimeNanoseconds) / 1e9,
                inferenceSeconds: seconds, batchSize: items.count)
            job.finish(Self.collect(slice, expected: job.items.count).map { ($0, timing) })
        }
    }

    private static func collect(_ results: [Result<Output, any Error>], expected: Int) -> Result<[Output], BatchError> {
        guard results.count == expected else {
            return .failure(.failed("the model returned \(results.count) results for \(expected) inputs"))
        }
        var outputs: [Output] = []
        outputs.reserveCapacity(expected)
        for result in results {
            switch result {
            case let .success(output): outputs.append(output)
            case let .failure(error as TaskError): return .failure(.rejected(error))
            case let .failure(error): return .failure(.failed(String(describing: error)))
            }
        }
        return .success(outputs)
    }
}

/// Bounds on batches and the queue.
package struct BatchLimits: Sendable, Equatable {
    /// Most inputs in one batch (a request with more runs alone).
    package var maxBatchSize: Int
    /// Most padded tokens in one batch, rows × the longest input (a request with more runs alone).
    package var maxBatchTokens: Int
    /// Seconds an idle model waits for a batch to fill.
    package var maxWait: Double
    /// Requests waiting (not yet in a batch); one more is refused.
    package var queueCapacity: Int

    package init(maxBatchSize: Int, maxBatchTokens: Int, maxWait: Double, queueCapacity: Int) {
        precondition(maxBatchSize >= 1 && maxBatchTokens >= 1 && maxWait >= 0 && queueCapacity >= 1)
        self.maxBatchSize = maxBatchSize
        self.maxBatchTokens = maxBatchTokens
        self.maxWait = maxWait
        self.queueCapacity = queueCapacity
    }
}
