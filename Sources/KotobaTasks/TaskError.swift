/// Errors a task raises for a request it cannot serve; the service maps each to a status code.
public enum TaskError: Error, Equatable, CustomStringConvertible {
    /// The input is well-formed but invalid for this task (no `[MASK]`, empty text, `top_k` out of range...).
    case invalidInput(String)
    /// The input is longer than the model accepts and truncation was not allowed.
    case inputTooLong(tokens: Int, limit: Int)
    /// The caller cancelled the work (its client disconnected or its deadline passed).
    case cancelled

    public var description: String {
        switch self {
        case let .invalidInput(message): message
        case let .inputTooLong(tokens, limit): "input has \(tokens) tokens; the model accepts at most \(limit)"
        case .cancelled: "cancelled"
        }
    }
}
