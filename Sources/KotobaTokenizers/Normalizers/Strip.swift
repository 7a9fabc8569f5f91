// tokenizers v0.23.3 tokenizers/src/normalizers/strip.rs (Strip) and normalizer.rs (`lrstrip`):
// removes leading / trailing scalars with the White_Space property (Rust `char::is_whitespace`).

/// tokenizer.json `"type": "Strip"` with `strip_left` / `strip_right`.
package struct Strip: Normalizer {
    package var left: Bool
    package var right: Bool

    package init(left: Bool = true, right: Bool = true) {
        self.left = left
        self.right = right
    }

    init(_ config: StageConfig) throws(TokenizerError) {
        self.init(left: try config.bool("strip_left", default: true), right: try config.bool("strip_right", default: true))
    }

    package func normalize(_ text: inout NormalizedString) throws(TokenizerError) {
        let scalars = text.scalars
        let leading = left ? scalars.prefix(while: \.properties.isWhitespace).count : 0
        if leading == scalars.count {
            if leading > 0 { text.transform([], initialRemoved: leading) }
            return
        }
        let trailing = right ? scalars.reversed().prefix(while: \.properties.isWhitespace).count : 0
        if leading == 0 && trailing == 0 { return }
        // Kept scalars keep their alignment; the removed ones simply disappear.
        text.transform(scalars[leading..<(scalars.count - trailing)].map { ($0, 0) }, initialRemoved: leading)
    }
}
