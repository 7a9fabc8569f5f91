/// Errors raised by tensor operations; each names the operation and the shapes involved.
public enum TensorError: Error, Equatable, CustomStringConvertible {
    /// An operation received shapes it cannot combine.
    case shapeMismatch(operation: String, expected: [Int], found: [Int])
    /// An index (for instance a token id in an embedding gather) fell outside a dimension.
    case indexOutOfRange(operation: String, index: Int, bound: Int)

    public var description: String {
        switch self {
        case let .shapeMismatch(operation, expected, found):
            "\(operation): shape mismatch, expected \(expected), found \(found)"
        case let .indexOutOfRange(operation, index, bound):
            "\(operation): index \(index) out of range 0..<\(bound)"
        }
    }
}
