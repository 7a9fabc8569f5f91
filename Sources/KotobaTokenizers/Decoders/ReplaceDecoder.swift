// tokenizers v0.23.3 tokenizers/src/normalizers/replace.rs (`impl Decoder for Replace`): every match of the
// pattern in each token becomes `content`.

/// tokenizer.json decoder `"type": "Replace"`.
package struct ReplaceDecoder: TokenDecoder {
    package let pattern: TokenizerPattern
    package let content: String

    package init(pattern: TokenizerPattern, content: String) {
        self.pattern = pattern
        self.content = content
    }

    init(_ config: StageConfig) throws(TokenizerError) {
        self.init(pattern: try TokenizerPattern.read(config.value("pattern"), stage: "decoder Replace"),
                  content: try config.string("content"))
    }

    package func decodeChain(_ tokens: [String]) -> [String] {
        tokens.map { token in
            let scalars = Array(token.unicodeScalars)
            var out = String.UnicodeScalarView()
            for m in pattern.matches(in: scalars) {
                if m.isMatch { out.append(contentsOf: content.unicodeScalars) } else { out.append(contentsOf: scalars[m.range]) }
            }
            return String(out)
        }
    }
}
