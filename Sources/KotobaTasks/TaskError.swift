import KotobaModels
import KotobaTokenizers

/// Errors a task raises for a request it cannot serve; the service maps each to a status code. The first three
/// are the client's (4xx); `model` and `tokenizer` are ours (500): an input passed validation and the machinery
/// still failed on it, so the cause stays typed up to the edge, where it is logged under the request id.
package enum TaskError: Error, Equatable, CustomStringConvertible {
    /// The input is well-formed but invalid for this task (no `[MASK]`, empty text, `top_k` out of range...).
    case invalidInput(String)
    /// The input is longer than the model accepts and truncation was not allowed.
    case inputTooLong(tokens: Int, limit: Int)
    /// The caller cancelled the work (its client disconnected or its deadline passed).
    case cancelled
    /// The model failed on an input the task had accepted (a shape bug, an id its tokenizer made that the
    /// embedding table lacks).
    case model(ModelError)
    /// The tokenizer failed for a reason other than the client's text (its configuration, not the input).
    case tokenizer(TokenizerError)

    package var description: String {
        switch self {
        case let .invalidInput(message): message
        case let .inputTooLong(tokens, limit): "input has \(tokens) tokens; the model accepts at most \(limit)"
        case .cancelled: "cancelled"
        case let .model(error): "model error: \(error.description)"
        case let .tokenizer(error): "tokenizer error: \(error.description)"
        }
    }

    /// True when the client can fix the request; false for failures of ours.
    package var isClientError: Bool {
        switch self {
        case .invalidInput, .inputTooLong, .cancelled: true
        case .model, .tokenizer: false
        }
    }
}

extension TaskError {
    /// A model error raised while serving a request that had passed validation: ours.
    init(_ error: ModelError) {
        self = .model(error)
    }

    /// A tokenizer error while encoding an input: a truncation the text cannot satisfy is the client's;
    /// anything else is the tokenizer's configuration, so ours.
    init(_ error: TokenizerError) {
        if case .truncation = error {
            self = .invalidInput(error.description)
        } else {
            self = .tokenizer(error)
        }
    }

    /// A search error: cancellation and out-of-range options are the request's; a model failure is ours.
    init(_ error: GenerationError) {
        switch error {
        case .cancelled: self = .cancelled
        case let .invalidOption(name, reason): self = .invalidInput("\(name) \(reason)")
        case let .model(error): self = .model(error)
        }
    }
}
