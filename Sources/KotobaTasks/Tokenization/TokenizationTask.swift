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

/// A model directory's tokenizer, for counting an input's tokens before it is queued and for `/tokenize`.
///
/// The service decides batches by token count and refuses over-long inputs before they wait in a queue, so it
/// needs the count the model's own tokenizer gives, special tokens included.
public struct TokenizationTask: Sendable {
    let tokenizer: Tokenizer
    /// The longest input the model accepts, special tokens included.
    public let maxLength: Int

    /// The tokenizer in `directory`; `maxLength` is the model's limit (its position embeddings), lowered to the
    /// tokenizer's `model_max_length` when that is smaller.
    public static func load(directory: URL, maxLength: Int) throws(TokenizerError) -> TokenizationTask {
        let tokenizer = try Tokenizer.load(directory: directory)
        return TokenizationTask(tokenizer: tokenizer, maxLength: min(maxLength, tokenizer.modelMaxLength ?? .max))
    }

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

    /// Tokens the model would see for `text` (and `pair`), special tokens included, before any truncation.
    public func count(_ text: String, pair: String? = nil) throws(TaskError) -> Int {
        try run(text, pair: pair, truncate: false).originalTokens
    }
}
