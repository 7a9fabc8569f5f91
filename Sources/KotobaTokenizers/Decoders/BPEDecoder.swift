// tokenizers v0.23.3 tokenizers/src/decoders/bpe.rs (BPEDecoder): the suffix becomes a space, except in the
// last token, where it is removed.

/// tokenizer.json decoder `"type": "BPEDecoder"`.
package struct BPEDecoder: TokenDecoder {
    package let suffix: String

    package init(suffix: String = "</w>") { self.suffix = suffix }

    init(_ config: StageConfig) throws(TokenizerError) {
        self.init(suffix: try config.optionalString("suffix") ?? "</w>")
    }

    package func decodeChain(_ tokens: [String]) -> [String] {
        tokens.enumerated().map { i, token in
            token.replacingScalars(suffix, with: i == tokens.count - 1 ? "" : " ")
        }
    }
}
