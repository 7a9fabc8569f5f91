// tokenizers v0.23.3 tokenizers/src/decoders/fuse.rs: all tokens joined into one.

/// tokenizer.json decoder `"type": "Fuse"`.
package struct FuseDecoder: TokenDecoder {
    package init() {}
    package func decodeChain(_ tokens: [String]) -> [String] { [tokens.joined()] }
}
