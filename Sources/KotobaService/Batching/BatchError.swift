import KotobaTasks

/// Why a queued request got no result from its batch.
package enum BatchError: Error, Sendable, Equatable {
    /// The model's queue was full; `retryAfterSeconds` estimates when it will have drained.
    case queueFull(capacity: Int, retryAfterSeconds: Int)
    /// The request's deadline passed while it waited or ran; `milliseconds` is how long after queueing.
    case deadlineExceeded(milliseconds: Int)
    /// The client disconnected; nobody is waiting for the answer.
    case clientGone
    /// The service is shutting down and takes no new work.
    case shuttingDown
    /// The task refused this request's input once it ran (a mask truncated away...): the client's fault.
    case rejected(TaskError)
    /// The model failed on this batch; the message is its error's description.
    case failed(String)
}
