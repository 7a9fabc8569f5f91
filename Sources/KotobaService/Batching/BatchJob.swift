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
/// comes first answers; the others find it finished and do nothing, so a reply is never sent twice.
final class BatchJob<Item: Sendable, Output: Sendable>: Sendable {
    typealias Completion = @Sendable (Result<([Output], BatchTiming), BatchError>) -> Void

    let id: UInt64
    let items: [Item]
    /// Tokens of each item, for the batch token budget and the padding count.
    let tokens: [Int]
    let submittedAt: DispatchTime
    let deadline: DispatchTime
    private let completion: Locked<Completion?>

    init(id: UInt64, items: [Item], tokens: [Int], submittedAt: DispatchTime, deadline: DispatchTime,
         completion: @escaping Completion) {
        precondition(items.count == tokens.count, "one token count per item")
        self.id = id
        self.items = items
        self.tokens = tokens
        self.submittedAt = submittedAt
        self.deadline = deadline
        self.completion = Locked(completion)
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
