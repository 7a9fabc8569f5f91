// tokenizers v0.23.3 tokenizers/src/normalizers/utils.rs (Lowercase): `normalized.lowercase()`,
// Rust's per-char `to_lowercase` with no final-sigma context.

/// tokenizer.json `"type": "Lowercase"`.
package struct Lowercase: Normalizer {
    package init() {}
    package func normalize(_ text: inout NormalizedString) throws(TokenizerError) {
        text.lowercase()
    }
}
