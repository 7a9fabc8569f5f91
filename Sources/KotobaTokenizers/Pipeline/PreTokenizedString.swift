// Mirrors tokenizers/src/tokenizer/pre_tokenizer.rs (PreTokenizedString) at tokenizers v0.23.3.

/// The input cut into words. Each split is a `NormalizedString`; splits that already carry tokens
/// (added tokens found by `AddedVocabulary`) are left alone by the later stages.
package struct PreTokenizedString: Sendable {
    /// One word and, once tokenized (or matched as an added token), its tokens.
    package struct Split: Sendable {
        package var normalized: NormalizedString
        package var tokens: [Token]?
    }

    /// The whole input, as scalars.
    package let original: [Unicode.Scalar]
    package private(set) var splits: [Split]

    package init(_ original: [Unicode.Scalar]) {
        self.original = original
        self.splits = [Split(normalized: NormalizedString(original), tokens: nil)]
    }

    /// Replaces every split without tokens by the pieces `split(index, piece)` returns, dropping empty pieces
    /// (`PreTokenizedString::split`). `index` counts the splits before this call, as in `tokenizers`.
    package mutating func split<E: Error>(
        _ split: (Int, NormalizedString) throws(E) -> [NormalizedString]
    ) throws(E) {
        try splitWithTokens { (index, piece) throws(E) in try split(index, piece).map { ($0, nil) } }
    }

    /// Like `split`, but pieces may come with their tokens already decided.
    mutating func splitWithTokens<E: Error>(
        _ split: (Int, NormalizedString) throws(E) -> [(NormalizedString, [Token]?)]
    ) throws(E) {
        var result: [Split] = []
        result.reserveCapacity(splits.count)
        for (index, old) in splits.enumerated() {
            if old.tokens != nil {
                result.append(old)
                continue
            }
            for (piece, tokens) in try split(index, old.normalized) where !piece.isEmpty {
                result.append(Split(normalized: piece, tokens: tokens))
            }
        }
        splits = result
    }

    /// Applies `transform` in place to every split without tokens (`PreTokenizedString::normalize`).
    package mutating func normalize<E: Error>(_ transform: (inout NormalizedString) throws(E) -> Void) throws(E) {
        for i in splits.indices where splits[i].tokens == nil {
            try transform(&splits[i].normalized)
        }
    }

    /// Runs the model on every split without tokens (`PreTokenizedString::tokenize`).
    mutating func tokenize(with model: any TokenizerModel) throws(TokenizerError) {
        for i in splits.indices where splits[i].tokens == nil {
            splits[i].tokens = try model.tokenize(splits[i].normalized.scalars)
        }
    }
}
