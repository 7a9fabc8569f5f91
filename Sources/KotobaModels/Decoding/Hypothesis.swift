/// One decoded output sequence.
public struct Hypothesis: Sendable, Equatable {
    /// Generated token ids: decoder_start excluded, EOS included when the hypothesis ended with it.
    public var tokens: [Int]
    /// Beam search: transformers' `sequences_scores`, `Σ log p / tokens.count ** length_penalty`.
    /// Greedy search: the unpenalised `Σ log p` of the emitted tokens.
    public var score: Float
    /// Per generated token, the attention weights over the source's real positions; `nil` unless requested.
    public var alignment: [[Float]]?

    /// A hypothesis from its parts.
    public init(tokens: [Int], score: Float, alignment: [[Float]]?) {
        self.tokens = tokens
        self.score = score
        self.alignment = alignment
    }
}
