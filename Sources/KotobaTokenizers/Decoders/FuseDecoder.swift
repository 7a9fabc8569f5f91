// tokenizers v0.23.3 tokenizers/src/decoders/fuse.rs: all tokens joined into one.

/// tokenizer.json decoder `"type": "Fuse"`.
public struct FuseDecoder: TokenDecoder {
    public init() {}
    public func decodeChain(_ tokens: [String]) -> [String] { [tokens.joined()] }
}
