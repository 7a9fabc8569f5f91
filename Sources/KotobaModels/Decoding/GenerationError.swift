/// Why a search stopped without a result.
public enum GenerationError: Error, Equatable, CustomStringConvertible {
    /// The cancellation closure returned true before step `step` (0-based): no partial result is returned, so a
    /// caller never mistakes a truncated hypothesis for a finished one.
    case cancelled(step: Int)
    /// A search option is out of range; names the option.
    case invalidOption(name: String, reason: String)
    /// The model failed (invalid token id, inconsistent weights...).
    case model(ModelError)

    public var description: String {
        switch self {
        case let .cancelled(step): "generation cancelled before step \(step)"
        case let .invalidOption(name, reason): "generation option \(name) \(reason)"
        case let .model(error): error.description
        }
    }
}
