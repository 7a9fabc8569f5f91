// tokenizers v0.23.3 tokenizers/src/normalizers/unicode.rs (NFC): `normalized.nfc()`.

/// tokenizer.json `"type": "NFC"`: canonical composition, aligned as `tokenizers` aligns it.
package struct NFC: Normalizer {
    package init() {}
    package func normalize(_ text: inout NormalizedString) throws(TokenizerError) {
        text.compose(compatibility: false)
    }
}
