import Dispatch
import KotobaHTTP

/// How long one request spent in the queue and in its batch, for response headers and metrics.
package struct BatchTiming: Sendable, Equatable {
    /// From submission to the start of its batch.
    package var queueSeconds: Double
    /// Running its batch.
    package var inferenceSeconds: Double
    /// Inputs in its batch, its own included.
    package var batchSize: Int
}

/// One request's inputs, waiting for or inside a batch, finished exactly once.
///
/// Three parties race to finish a job: its batch, its deadline timer and its client's disconnect. Whoever
/// comes first answers; the others find it finished and do nothing, so a reply is never sent twice. A job
/// larger than one batch runs in parts (`record`), and is answered when its last part is done.
final class BatchJob<Item: Sendable, Output: Sendable>: Sendable {
    typealias Completion = @Sendable (Result<([Output], BatchTiming), BatchError>) -> Void

    let id: UInt64
    let items: [Item]
    /// Tokens of each item, for the batch token budget and the padding count.
    let tokens: [Int]
    let submittedAt: DispatchTime
    let deadline: DispatchTime
    private let completion: Locked<Completion?>
    private let progress: Locked<Progress>

    /// The outputs of the parts run so far, and their timing.
    private struct Progress {
        var outputs: [Output?]
        var received = 0
        var firstStart: DispatchTime?
        var inferenceSeconds = 0.0
        var batchSize = 0
    }

    init(id: UInt64, items: [Item], tokens: [Int], submittedAt: DispatchTime, deadline: DispatchTime,
         completion: @escaping Completion) {
        precondition(items.count == tokens.count, "one token count per item")
        self.id = id
        self.items = items
        self.tokens = tokens
        self.submittedAt = submittedAt
        self.deadline = deadline
        self.completion = Locked(completion)
        progress = Locked(Progress(outputs: Array(repeating: nil, count: items.count)))
    }

    /// Stores the outputs of items `range`, run in a batch of `batchSize` that started at `started` and took
    /// `seconds`; answers the job once every item has its output, or at once with a failure.
    func record(_ result: Result<[Output], BatchError>, for range: Range<Int>, started: DispatchTime,
                seconds: Double, batchSize: Int) {
        switch result {
        case let .failure(error):
            finish(.failure(error))
        case let .success(outputs):
            let complete = progress.withLock { progress -> ([Output], BatchTiming)? in
                for (index, output) in zip(range, outputs) { progress.outputs[index] = output }
                progress.received += range.count
                progress.firstStart = progress.firstStart ?? started
                progress.inferenceSeconds += seconds
                progress.batchSize = max(progress.batchSize, batchSize)
                guard progress.received == items.count, let first = progress.firstStart else { return nil }
                let timing = BatchTiming(
                    queueSeconds: Double(first.uptimeNanoseconds - submittedAt.uptimeNanoseconds) / 1e9,
                    inferenceSeconds: progress.inferenceSeconds, batchSize: progress.batchSize)
                return (progress.outputs.compactMap { $0 }, timing)
            }
            if let complete { finish(.success(complete)) }
        }
    }

    /// Its answer once its deadline has passed; the milliseconds are its whole budget, from submission.
    var deadlineExceeded: BatchError {
        let nanoseconds = max(0, Double(deadline.uptimeNanoseconds) - Double(submittedAt.uptimeNanoseconds))
        return .deadlineExceeded(milliseconds: Int((nanoseconds / 1e6).rounded()))
    }

    /// The longest item's tokens: what every row of a batch holding this job is padded to, at least.
    var longestInput: Int { tokens.max() ?? 0 }

    /// True once answered (by its batch, its deadline or its client leaving): nobody wants its result.
    var isFinished: Bool { completion.current == nil }

    /// Answers the job unless it already was; returns whether this call did.
    @discardableResult
    func finish(_ result: Result<([Output], BatchTiming), BatchError>) -> Bool {
        let taken = completion.withLock { current -> Completion? in
            defer { current = nil }
            return current
        }
        guard let taken else { return false }
        taken(result)
        return true
    }
}
