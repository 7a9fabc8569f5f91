import Dispatch
import KotobaHTTP
import KotobaTasks

/// Dynamic batching for one model: requests that arrive together run as one batch on the inference pool.
///
/// A batch is cut from the front of the queue (oldest first) item by item until the next item would pass
/// `maxBatchSize` or `maxBatchTokens`, counted padded (rows × the longest input: what the padded forward pass
/// costs, so one long input with many short ones is not mistaken for a cheap batch); the first item always
/// goes. A request with more than fits is split: the batch takes what fits and the rest of the request goes
/// to the back of the queue, so the requests waiting behind it run between its parts instead of after all of
/// them, and no batch is larger than the budgets say. An idle model waits at most `maxWait` after the oldest
/// request arrived; a busy one cuts the next batch the moment the running one ends, which is where batches grow.
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
        /// Items of a split job already handed to batches, by job id.
        var taken: [UInt64: Int] = [:]
        var nextID: UInt64 = 0
        var running = false
        var timerArmed = false
        var closed = false
        /// Moving average of batch run time, for `Retry-After`.
        var averageBatchSeconds = 0.05
    }

    /// `timers` runs the deadline and max-wait timers (default: a queue of its own; tests pass one they can
    /// hold, to make a timer late as a busy host does). `reportsQueueDepth` false leaves the model's queue gauge
    /// to another batcher (the current version's, when this one serves a version a reload retired).
    package init(model: String, limits: Limits, pool: InferencePool, metrics: BatchMetrics? = nil,
                reportsQueueDepth: Bool = true, timers: DispatchQueue? = nil, run: @escaping Run) {
        self.model = model
        self.limits = limits
        self.pool = pool
        self.run = run
        self.metrics = metrics
        self.timers = timers ?? DispatchQueue(label: "kotoba.batcher.\(model)")
        if reportsQueueDepth { metrics?.watchQueue(model: model) { [weak self] in self?.queueDepth ?? 0 } }
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
        // Weak: a job answered long before its deadline should not live on in the timer until then.
        timers.asyncAfter(deadline: deadline) { [weak self, weak job] in
            guard let job else { return }
            if job.finish(.failure(job.deadlineExceeded)) { self?.remove(job) }
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
        state.withLock { state in
            state.queue.removeAll { $0.id == job.id }
            state.taken[job.id] = nil
        }
    }

    /// Part of a job in a batch: the job and which of its items.
    private typealias Segment = (job: BatchJob<Item, Output>, range: Range<Int>)

    /// Starts a batch if the model is idle and one is due, else arms the max-wait timer.
    private enum Next { case nothing, wait(DispatchTime), run([Segment]) }

    private func schedule() {
        let next = state.withLock { state -> Next in
            for job in state.queue where job.isFinished { state.taken[job.id] = nil }
            state.queue.removeAll(where: \.isFinished)
            guard !state.running, let oldest = state.queue.first else { return .nothing }
            let due = oldest.submittedAt + limits.maxWait
            let rows = state.queue.reduce(0) { $0 + $1.items.count - state.taken[$1.id, default: 0] }
            let full = rows >= limits.maxBatchSize
                || rows * (state.queue.map(\.longestInput).max() ?? 0) >= limits.maxBatchTokens
            guard full || DispatchTime.now() >= due else {
                if state.timerArmed { return .nothing }
                state.timerArmed = true
                return .wait(due)
            }
            var batch: [Segment] = []
            var inputs = 0, longest = 0
            while let job = state.queue.first {
                let start = state.taken[job.id, default: 0]
                var end = start
                while end < job.items.count {
                    let (grownInputs, grownLongest) = (inputs + 1, max(longest, job.tokens[end]))
                    if inputs > 0 && (grownInputs > limits.maxBatchSize
                                      || grownInputs * grownLongest > limits.maxBatchTokens
                                      || limits.memoryBytes(rows: grownInputs, longest: grownLongest) > limits.maxBatchMemoryBytes) {
                        break
                    }
                    (inputs, longest) = (grownInputs, grownLongest)
                    end += 1
                }
                guard end > start else { break }
                batch.append((job, start..<end))
                state.queue.removeFirst()
                if end < job.items.count {
                    // The rest of the request waits behind the others, so they run between its parts.
                    state.taken[job.id] = end
                    state.queue.append(job)
                    break
                }
                state.taken[job.id] = nil
            }
            state.running = true
            return .run(batch)
        }
        switch next {
        case .nothing: break
        case let .wait(due):
            // Strong, like the batch run below: queued jobs are held only by this batcher, and a reload may
            // drop every other reference to it (InferenceHub.retire) while they wait. Queued work keeps its
            // batcher alive until it has run; an idle batcher holds no timer and goes with its last reference.
            timers.asyncAfter(deadline: due) { [self] in
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

    private func execute(_ batch: [Segment]) {
        let live = batch.filter { !$0.job.isFinished }
        guard !live.isEmpty else { return }
        let started = DispatchTime.now()
        let items = live.flatMap { Array($0.job.items[$0.range]) }
        // Which job each flattened item belongs to, so the model can ask whether anyone still waits for it.
        let owners = live.enumerated().flatMap { index, segment in Array(repeating: index, count: segment.range.count) }
        let results = run(items) { item in
            let job = live[owners[item]].job
            return job.isFinished || DispatchTime.now() >= job.deadline
        }
        let ended = DispatchTime.now()
        let seconds = Double(ended.uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        state.withLock { $0.averageBatchSeconds = 0.8 * $0.averageBatchSeconds + 0.2 * seconds }
        let tokens = live.flatMap { Array($0.job.tokens[$0.range]) }
        metrics?.recordBatch(model: model, size: items.count, tokens: tokens, seconds: seconds)
        var cursor = 0
        for (job, range) in live {
            let slice = results.count == items.count ? Array(results[cursor..<(cursor + range.count)]) : []
            cursor += range.count
            var outcome = Self.collect(slice, expected: range.count)
            // The model stops an input once `isCancelled` says its deadline passed, which can be before the
            // deadline timer has run (a busy host): answer it as the timer would have, not as a client gone.
            if case .failure(.rejected(.cancelled)) = outcome, ended >= job.deadline {
                outcome = .failure(job.deadlineExceeded)
            }
            job.record(outcome, for: range, started: started, seconds: seconds, batchSize: items.count)
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
    /// Most inputs in one batch (a request with more is split over several batches).
    package var maxBatchSize: Int
    /// Most padded tokens in one batch, rows × the longest input (a request with more is split; one input
    /// longer than this runs alone).
    package var maxBatchTokens: Int
    /// Seconds an idle model waits for a batch to fill.
    package var maxWait: Double
    /// Requests waiting (not yet in a batch); one more is refused.
    package var queueCapacity: Int
    /// Most bytes of attention scores one batch may need (rows × longest² × `memoryBytesPerSquaredToken`);
    /// a request needing more is split. One input needing more runs alone. `Int.max`: no bound.
    package var maxBatchMemoryBytes: Int
    /// What the model's attention costs per row per squared padded length (heads × 4 bytes); 0 for models
    /// without attention, which this bound then leaves alone.
    package var memoryBytesPerSquaredToken = 0

    package init(maxBatchSize: Int, maxBatchTokens: Int, maxWait: Double, queueCapacity: Int,
                maxBatchMemoryBytes: Int = .max) {
        precondition(maxBatchSize >= 1 && maxBatchTokens >= 1 && maxWait >= 0 && queueCapacity >= 1)
        self.maxBatchSize = maxBatchSize
        self.maxBatchTokens = maxBatchTokens
        self.maxWait = maxWait
        self.queueCapacity = queueCapacity
        self.maxBatchMemoryBytes = maxBatchMemoryBytes
    }

    /// The attention scores of a batch of `rows` padded to `longest`, in bytes (saturating).
    func memoryBytes(rows: Int, longest: Int) -> Int {
        let (square, overflow1) = longest.multipliedReportingOverflow(by: longest)
        let (perRow, overflow2) = square.multipliedReportingOverflow(by: memoryBytesPerSquaredToken)
        let (total, overflow3) = perRow.multipliedReportingOverflow(by: rows)
        return overflow1 || overflow2 || overflow3 ? .max : total
    }
}
