// tokenizers v0.23.3 tokenizers/src/normalizers/unicode.rs (NFKC): `normalized.nfkc()`.

/// tokenizer.json `"type": "NFKC"`: compatibility decomposition then canonical composition.
package struct NFKC: Normalizer {
    package init() {}
    package func normalize(_ text: inout NormalizedString) throws(TokenizerError) {
        text.compose(compatibility: true)
    }
}
