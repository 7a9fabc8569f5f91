// tokenizers v0.23.3 tokenizers/src/normalizers/unicode.rs (NFD): `normalized.nfd()`.

/// tokenizer.json `"type": "NFD"`: canonical decomposition.
package struct NFD: Normalizer {
    package init() {}
    package func normalize(_ text: inout NormalizedString) throws(TokenizerError) {
        text.decomposeCanonically()
    }
}
