import KotobaTensor

/// Errors raised while loading or running a model; each names the file and tensor involved.
public enum ModelError: Error, Equatable, CustomStringConvertible {
    /// A model file is missing or unreadable.
    case unreadableFile(path: String, reason: String)
    /// A file parsed but is malformed (bad header, offsets out of bounds, unknown dtype...).
    case invalidFile(path: String, reason: String)
    /// `config.json` lacks a field or holds an invalid value.
    case invalidConfig(path: String, field: String, reason: String)
    /// A tensor the architecture needs is absent from the checkpoint.
    case missingTensor(name: String, file: String)
    /// A tensor has a shape other than the architecture expects.
    case shapeMismatch(tensor: String, expected: [Int], found: [Int], file: String)
    /// `model_type` / `architectures` names something Kotoba does not implement.
    case unsupportedArchitecture(name: String, supported: [String])
    /// An input the model cannot take (token id out of vocabulary, sequence over the position limit...).
    case invalidInput(String)

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason): "cannot read \(path): \(reason)"
        case let .invalidFile(path, reason): "invalid file \(path): \(reason)"
        case let .invalidConfig(path, field, reason): "\(path): field \"\(field)\" \(reason)"
        case let .missingTensor(name, file): "tensor \"\(name)\" not found in \(file)"
        case let .shapeMismatch(tensor, expected, found, file):
            "tensor \"\(tensor)\" in \(file): expected shape \(expected), found \(found)"
        case let .unsupportedArchitecture(name, supported):
            "unsupported architecture \"\(name)\"; supported: \(supported.joined(separator: ", "))"
        case let .invalidInput(message): message
        }
    }
}

extension ModelError {
    /// Runs tensor arithmetic on weights whose shapes loading already checked; a `TensorError` here means the
    /// input reached an op in a shape the model did not validate, reported as invalid input rather than a crash.
    package static func reporting<T>(_ body: () throws(TensorError) -> T) throws(ModelError) -> T {
        do { return try body() } catch { throw .invalidInput(error.description) }
    }
}
