/// Errors raised while reading a tensor file; each names the file and, where one is involved, the tensor.
public enum StorageError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened or mapped.
    case unreadable(path: String, reason: String)
    /// The file is malformed: bad header, offsets out of bounds or overlapping, unknown dtype...
    case invalid(path: String, tensor: String?, reason: String)
    /// The file holds no tensor of that name.
    case missing(path: String, tensor: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): "cannot read \(path): \(reason)"
        case let .invalid(path, tensor?, reason): "invalid file \(path): tensor \"\(tensor)\": \(reason)"
        case let .invalid(path, nil, reason): "invalid file \(path): \(reason)"
        case let .missing(path, tensor): "tensor \"\(tensor)\" not found in \(path)"
        }
    }
}
