import Foundation
import KotobaTokenizers

/// Which end of an input truncation cuts (`truncation_side` in transformers).
package enum TruncationSide: String, Sendable, Codable, CaseIterable {
    case right
    case left

    /// The tokenizer's direction for this side.
    var direction: Truncation.Direction { self == .right ? .right : .left }
}

/// One input as the model would see it: ids, tokens and character offsets (Unicode scalars, as the Python
/// `tokenizers` `Encoding.offsets`), and whether truncation shortened it.
package struct TokenizationResult: Sendable, Codable, Equatable {
    package var ids: [Int]
    package var tokens: [String]
    /// `[start, end)` per token in Unicode scalars of the input; `[0, 0]` for special tokens.
    package var offsets: [[Int]]
    /// Tokens before truncation, special tokens included.
    package var originalTokens: Int
    package var truncated: Bool

    enum CodingKeys: String, CodingKey {
        case ids, tokens, offsets, truncated
        case originalTokens = "original_tokens"
    }
}

/// A model's tokenizer as `/tokenize` shows it: ids, tokens and offsets, with the length limit the model's own
/// inputs have. Each encoder task hands out its own (`FillMaskTask.tokenization`...), so one tokenizer is
/// loaded per model.
package struct TokenizationTask: Sendable {
    let tokenizer: Tokenizer
    /// The longest input the model accepts, special tokens included.
    package let maxLength: Int

    /// Encodes `text` (with `pair`) with special tokens; with `truncate` false the result may exceed `maxLength`
    /// and says by how much through `originalTokens`.
    package func run(_ text: String, pair: String? = nil, truncate: Bool,
                    side: TruncationSide = .right) throws(TaskError) -> TokenizationResult {
        let truncation = Truncation(maxLength: truncate ? maxLength : Int.max / 2,
                                    direction: side.direction)
        let encoding: Encoding
        do { encoding = try tokenizer.encode(text, pair: pair, truncation: truncation) } catch {
            throw TaskError(error)
        }
        let original = encoding.truncation?.originalLength ?? encoding.count
        return TokenizationResult(ids: encoding.ids, tokens: encoding.tokens,
                                  offsets: encoding.offsets.map { [$0.start, $0.end] },
                                  originalTokens: original, truncated: original > encoding.count)
    }
}
