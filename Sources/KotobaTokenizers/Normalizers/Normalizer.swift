/// The `normalizer` stage: rewrites text in place, keeping each scalar aligned with the original
/// (tokenizers/src/normalizers/). Implementations are one file per tokenizer.json `type` in this folder,
/// registered in `StageFactory.normalizer(_:)`.
package protocol Normalizer: Sendable {
    /// Normalizes `text`; alignments must follow `NormalizedString`'s rules so offsets match `tokenizers`.
    func normalize(_ text: inout NormalizedString) throws(TokenizerError)
}

extension Normalizer {
    /// The normalized form of a plain string (what `tokenizers` uses for added tokens marked `normalized`).
    func normalize(string: String) throws(TokenizerError) -> [Unicode.Scalar] {
        var text = NormalizedString(string)
        try normalize(&text)
        return text.scalars
    }
}
