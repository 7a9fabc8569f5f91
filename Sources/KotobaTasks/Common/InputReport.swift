/// How one input fared on its way into the model, reported with every task result.
public struct InputReport: Sendable, Codable, Equatable {
    /// Tokens the model saw for this input, special tokens included.
    public var inputTokens: Int
    /// Whether truncation shortened the input to fit the model.
    public var truncated: Bool
    /// Tokens truncation removed (0 when the input fit).
    public var removedTokens: Int

    /// A report for an input of `inputTokens` tokens that lost `removedTokens` to truncation.
    public init(inputTokens: Int, removedTokens: Int) {
        self.inputTokens = inputTokens
        self.truncated = removedTokens > 0
        self.removedTokens = removedTokens
    }

    enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens", truncated, removedTokens = "removed_tokens"
    }
}
