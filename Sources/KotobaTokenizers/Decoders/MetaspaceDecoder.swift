// tokenizers v0.23.3 tokenizers/src/decoders (pre_tokenizers/metaspace.rs, `impl Decoder for Metaspace`):
// the replacement becomes a space, except in the first token, where (unless prepend_scheme is never) every
// replacement is dropped.

/// tokenizer.json decoder `"type": "Metaspace"`.
package struct MetaspaceDecoder: TokenDecoder {
    package let replacement: Unicode.Scalar
    package let prependScheme: Metaspace.PrependScheme

    package init(replacement: Unicode.Scalar = "\u{2581}", prependScheme: Metaspace.PrependScheme = .always) {
        self.replacement = replacement
        self.prependScheme = prependScheme
    }

    init(_ config: StageConfig) throws(TokenizerError) {
        let (replacement, scheme) = try Metaspace.read(config)
        self.init(replacement: replacement, prependScheme: scheme)
    }

    package func decodeChain(_ tokens: [String]) -> [String] {
        tokens.enumerated().map { i, token in
            var out = String.UnicodeScalarView()
            for c in token.unicodeScalars {
                if c == replacement {
                    if i == 0 && prependScheme != .never { continue }
                    out.append(" ")
                } else {
                    out.append(c)
                }
            }
            return String(out)
        }
    }
}
