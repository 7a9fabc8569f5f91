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

    /// The encodings of `texts` (paired with `pairs` where given), their batch and their reports.
    ///
    /// With `truncate` false an input longer than `maxLength` is `TaskError.inputTooLong` rather than cut;
    /// otherwise `side` says which end loses tokens (special tokens are kept either way, as in `tokenizers`).
    func encode(_ texts: [String], pairs: [String]? = nil, truncate: Bool,
                side: TruncationSide = .right) throws(TaskError) -> (encodings: [Encoding], batch: TokenBatch, reports: [InputReport]) {
        guard !texts.isEmpty else { throw .invalidInput("no inputs") }
        var encodings: [Encoding] = []
        var reports: [InputReport] = []
        for (i, text) in texts.enumerated() {
            let encoding: Encoding
            do {
                encoding = try tokenizer.encode(text, pair: pairs?[i], addSpecialTokens: true,
                                                truncation: Truncation(maxLength: maxLength, direction: side.direction))
            } catch {
                throw TaskError(error, input: i)
            }
            let removed = encoding.truncation?.removedTokens ?? 0
            if removed > 0 && !truncate {
                throw .inputTooLong(tokens: encoding.truncation?.originalLength ?? encoding.ids.count, limit: maxLength)
            }
            encodings.append(encoding)
            reports.append(InputReport(inputTokens: encoding.ids.count, removedTokens: removed))
        }
        do {
            let batch = try TokenBatch(ids: encodings.map(\.ids),
                                       typeIds: limits.usesTokenTypes ? encodings.map(\.typeIds) : nil,
                                       attentionMask: encodings.map(\.attentionMask),
                                       padId: tokenizer.specialTokens.pad ?? 0)
            return (encodings, batch, reports)
        } catch {
            throw TaskError(error)
        }
    }
}
