/// How one input fared on its way into the model, reported with every task result.
package struct InputReport: Sendable, Codable, Equatable {
    /// Tokens the model saw for this input, special tokens included.
    package var inputTokens: Int
    /// Whether truncation shortened the input to fit the model.
    package var truncated: Bool
    /// Tokens truncation removed (0 when the input fit).
    package var removedTokens: Int

    /// A report for an input of `inputTokens` tokens that lost `removedTokens` to truncation.
    package init(inputTokens: Int, removedTokens: Int) {
        self.inputTokens = inputTokens
        self.truncated = removedTokens > 0
        self.removedTokens = removedTokens
    }

    enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens", truncated, removedTokens = "removed_tokens"
    }
}
