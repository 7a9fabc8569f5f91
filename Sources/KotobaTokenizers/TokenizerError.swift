/// Errors raised while loading or running a tokenizer; each names the file or stage involved.
package enum TokenizerError: Error, Equatable, CustomStringConvertible {
    /// A tokenizer file is missing or unreadable.
    case unreadableFile(path: String, reason: String)
    /// A tokenizer file parsed but holds something invalid.
    case invalidFile(path: String, reason: String)
    /// A stage `type` (normalizer, pre-tokenizer, model, post-processor, decoder) Kotoba cannot reproduce exactly.
    case unsupported(stage: String, type: String)
    /// A stage option Kotoba cannot reproduce exactly (the stage is supported, this setting of it is not).
    case unsupportedOption(stage: String, option: String, value: String)
    /// A stage's configuration is malformed: a field is missing or has the wrong type.
    case invalidConfiguration(stage: String, reason: String)
    /// A token the configuration relies on (unk, cls, sep, a template's special token) is not in the vocabulary.
    case missingToken(stage: String, token: String)
    /// Truncation cannot satisfy the request (`tokenizers`' `TruncationError`).
    case truncation(String)
    /// No tokenizer files in a model directory.
    case noTokenizerFiles(directory: String)

    package var description: String {
        switch self {
        case let .unreadableFile(path, reason): "cannot read tokenizer file \(path): \(reason)"
        case let .invalidFile(path, reason): "invalid tokenizer file \(path): \(reason)"
        case let .unsupported(stage, type): "unsupported \(stage) type \"\(type)\""
        case let .unsupportedOption(stage, option, value): "unsupported \(stage) option \(option) = \(value)"
        case let .invalidConfiguration(stage, reason): "invalid \(stage) configuration: \(reason)"
        case let .missingToken(stage, token): "\(stage): token \"\(token)\" is not in the vocabulary"
        case let .truncation(reason): "truncation error: \(reason)"
        case let .noTokenizerFiles(directory): "no tokenizer.json or vocab.txt in \(directory)"
        }
    }
}
