import Foundation
import KotobaTokenizers

/// Which end of an input truncation cuts (`truncation_side` in transformers).
public enum TruncationSide: String, Sendable, Codable, CaseIterable {
    case right
    case left

    /// The tokenizer's direction for this side.
    var direction: Truncation.Direction { self == .right ? .right : .left }
}

/// One input as the model would see it: ids, tokens and character offsets (Unicode scalars, as the Python
/// `tokenizers` `Encoding.offsets`), and whether truncation shortened it.
public struct TokenizationResult: Sendable, Codable, Equatable {
    public var ids: [Int]
    public var tokens: [String]
    /// `[start, end)` per token in Unicode scalars of the input; `[0, 0]` for special tokens.
    public var offsets: [[Int]]
    /// Tokens before truncation, special tokens included.
    public var originalTokens: Int
    public var truncated: Bool

    enum CodingKeys: String, CodingKey {
        case ids, tokens, offsets, truncated
        case originalTokens = "original_tokens"
    }
}

/// A model's tokenizer as `/tokenize` shows it: ids, tokens and offsets, with the length limit the model's own
/// inputs have. Each encoder task hands out its own (`FillMaskTask.tokenization`...), so one tokenizer is
/// loaded per model.
public struct TokenizationTask: Sendable {
    let tokenizer: Tokenizer
    /// The longest input the model accepts, special tokens included.
    public let maxLength: Int

    /// Encodes `text` (with `pair`) with special tokens; with `truncate` false the result may exceed `maxLength`
    /// and says by how much through `originalTokens`.
    public func run(_ text: String, pair: String? = nil, truncate: Bool,
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
