import KotobaModels
import KotobaTokenizers

/// Why a task could not be loaded from a model directory; each case carries the error that names the file.
package enum TaskLoadError: Error, Equatable, CustomStringConvertible {
    /// The model (config.json, weights) failed to load.
    case model(ModelError)
    /// The tokenizer files failed to load.
    case tokenizer(TokenizerError)
    /// The tokenizer can produce ids the model's embedding matrix has no row for.
    case vocabularyMismatch(directory: String, tokenizer: Int, model: Int)
    /// The tokenizer lacks a special token the task needs (`[MASK]` for fill-mask...).
    case missingSpecialToken(directory: String, role: String)
    /// A sentence-transformers file (modules.json, a module's config) is malformed or asks for what Kotoba lacks.
    case invalidLayout(path: String, reason: String)

    package var description: String {
        switch self {
        case let .model(error): error.description
        case let .tokenizer(error): error.description
        case let .vocabularyMismatch(directory, tokenizer, model):
            "\(directory): the tokenizer makes ids up to \(tokenizer - 1) but the model's embedding matrix has \(model) rows"
        case let .missingSpecialToken(directory, role): "\(directory): the tokenizer has no \(role) token"
        case let .invalidLayout(path, reason): "\(path): \(reason)"
        }
    }
}
