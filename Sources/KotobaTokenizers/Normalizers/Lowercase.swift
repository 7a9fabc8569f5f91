// tokenizers v0.23.3 tokenizers/src/normalizers/utils.rs (Lowercase): `normalized.lowercase()`,
// Rust's per-char `to_lowercase` with no final-sigma context.

/// tokenizer.json `"type": "Lowercase"`.
public struct Lowercase: Normalizer {
    public init() {}
    public func normalize(_ text: inout NormalizedString) throws(TokenizerError) {
        text.lowercase()
    }
}
