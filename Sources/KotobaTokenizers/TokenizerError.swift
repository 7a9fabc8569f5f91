/// Errors raised while loading or running a tokenizer; each names the file or stage involved.
public enum TokenizerError: Error, Equatable, CustomStringConvertible {
    /// A tokenizer file is missing or unreadable.
    case unreadableFile(path: String, reason: String)
    /// A tokenizer file parsed but holds something invalid.
    case invalidFile(path: String, reason: String)
    /// A stage `type` (normalizer, pre-tokenizer, model, post-processor, decoder) Kotoba cannot reproduce exactly.
    case unsupported(stage: String, type: String)

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason): "cannot read tokenizer file \(path): \(reason)"
        case let .invalidFile(path, reason): "invalid tokenizer file \(path): \(reason)"
        case let .unsupported(stage, type): "unsupported \(stage) type \"\(type)\""
        }
    }
}
