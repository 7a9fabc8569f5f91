import Foundation
import KotobaModels
import KotobaTokenizers

/// Tokenizes a batch of inputs for an encoder: one encoding per input, truncated to what the model accepts,
/// then padded into one `TokenBatch` so the whole batch is a single forward pass.
struct BatchEncoder: Sendable {
    let tokenizer: Tokenizer
    let limits: EncoderLimits
    /// The longest encoding, special tokens included: the model's position limit, lowered by the tokenizer's
    /// `model_max_length` or a sentence-transformers `max_seq_length` where those are smaller.
    let maxLength: Int

    /// The tokenizer of `directory`, checked against the model it will feed.
    ///
    /// A tokenizer that can produce an id at or past the embedding matrix's rows would make ids the model cannot
    /// look up, so it is refused at load time (its largest id counts, not its size: ids may have gaps); fewer
    /// rows used is fine (checkpoints often pad the matrix to a multiple of 8).
    init(directory: URL, limits: EncoderLimits, maxLength: Int? = nil) throws(TaskLoadError) {
        let tokenizer: Tokenizer
        do { tokenizer = try Tokenizer.load(directory: directory) } catch { throw .tokenizer(error) }
        guard tokenizer.idLimit <= limits.vocabularySize else {
            throw .vocabularyMismatch(directory: directory.path, tokenizer: tokenizer.idLimit,
                                      model: limits.vocabularySize)
        }
        self.tokenizer = tokenizer
        self.limits = limits
        self.maxLength = min(limits.maxPositions, tokenizer.modelMaxLength ?? .max, maxLength ?? .max)
    }

    /// The tokenizer as `/tokenize` serves it, with the same length limit as the model's inputs.
    var tokenization: TokenizationTask { TokenizationTask(tokenizer: tokenizer, maxLength: maxLength) }

    /// Encodes `text` (paired with `pair` where given) with special tokens, truncated to `maxLength`.
    ///
    /// With `truncate` false an input longer than `maxLength` is `TaskError.inputTooLong` rather than cut;
    /// otherwise `side` says which end loses tokens (special tokens are kept either way, as in `tokenizers`).
    func prepare(_ text: String, pair: String? = nil, truncate: Bool,
                 side: TruncationSide = .right) throws(TaskError) -> PreparedInput {
        let encoding: Encoding
        do {
            encoding = try tokenizer.encode(text, pair: pair, addSpecialTokens: true,
                                            truncation: Truncation(maxLength: maxLength, direction: side.direction))
        } catch {
            throw TaskError(error)
        }
        let removed = encoding.truncation?.removedTokens ?? 0
        if removed > 0 && !truncate {
            throw .inputTooLong(tokens: encoding.truncation?.originalLength ?? encoding.ids.count, limit: maxLength)
        }
        return PreparedInput(ids: encoding.ids, typeIds: encoding.typeIds,
                             report: InputReport(inputTokens: encoding.ids.count, removedTokens: removed))
    }

    /// The inputs padded into one batch for a single forward pass.
    func batch(_ inputs: [PreparedInput]) throws(TaskError) -> TokenBatch {
        guard !inputs.isEmpty else { throw .invalidInput("no inputs") }
        do {
            return try TokenBatch(ids: inputs.map(\.ids), typeIds: limits.usesTokenTypes ? inputs.map(\.typeIds) : nil,
                                  padId: tokenizer.specialTokens.pad ?? 0)
        } catch {
            throw TaskError(error)
        }
    }

    /// `prepare` for each text (and pair), each error naming its input.
    func prepare(_ texts: [String], pairs: [String]? = nil, truncate: Bool,
                 side: TruncationSide) throws(TaskError) -> [PreparedInput] {
        try PreparedInput.each(Array(texts.indices)) { (index) throws(TaskError) in
            try prepare(texts[index], pair: pairs?[index], truncate: truncate, side: side)
        }
    }
}

extension TaskError {
    /// The error with the input it concerns named in its message, for calls that take several inputs.
    func naming(input index: Int) -> TaskError {
        if case let .invalidInput(message) = self { return .invalidInput("input \(index): \(message)") }
        return self
    }
}
