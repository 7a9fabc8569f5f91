// The WordPiece decoder, as tokenizers v0.23.3 tokenizers/src/decoders/wordpiece.rs
// (https://github.com/huggingface/tokenizers/blob/v0.23.3/tokenizers/src/decoders/wordpiece.rs).

/// Joins WordPiece tokens: continuation pieces lose their prefix, other pieces get a leading space;
/// `cleanup` then applies `tokenizers`' `cleanup` (spaces before punctuation and English contractions) per token.
package struct WordPieceDecoder: TokenDecoder {
    package var prefix: String
    package var cleanup: Bool

    package init(prefix: String = "##", cleanup: Bool = true) {
        self.prefix = prefix
        self.cleanup = cleanup
    }

    init(_ config: StageConfig) throws(TokenizerError) {
        self.init(prefix: try config.optionalString("prefix") ?? "##", cleanup: try config.bool("cleanup", default: true))
    }

    package func decodeChain(_ tokens: [String]) -> [String] {
        tokens.enumerated().map { i, token in
            var piece = token
            if i != 0 {
                piece = piece.unicodeScalars.starts(with: prefix.unicodeScalars)
                    ? piece.replacingFirstScalars(prefix)
                    : " " + piece
            }
            return cleanup ? Self.cleanup(piece) : piece
        }
    }

    /// `decoders::wordpiece::cleanup`.
    static func cleanup(_ text: String) -> String {
        var s = text
        for (from, to) in [(" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
                           (" 'm", "'m"), (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")] {
            s = s.replacingScalars(from, with: to)
        }
        return s
    }
}

extension String {
    /// Rust `replacen(prefix, "", 1)` for a string known to start with `prefix`.
    func replacingFirstScalars(_ prefix: String) -> String {
        String(String.UnicodeScalarView(unicodeScalars.dropFirst(prefix.unicodeScalars.count)))
    }
}
