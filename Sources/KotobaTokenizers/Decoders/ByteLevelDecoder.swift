// tokenizers v0.23.3 tokenizers/src/pre_tokenizers/byte_level.rs (`impl Decoder for ByteLevel`): visible chars
// back to bytes (a token with any char outside the table keeps its own UTF-8), then `from_utf8_lossy` on all of it.

/// tokenizer.json decoder `"type": "ByteLevel"`.
package struct ByteLevelDecoder: TokenDecoder {
    package init() {}

    package func decodeChain(_ tokens: [String]) -> [String] {
        var bytes: [UInt8] = []
        for token in tokens {
            var mapped: [UInt8] = []
            var complete = true
            for c in token.unicodeScalars {
                guard let byte = ByteLevel.scalarToByte[c.value] else {
                    complete = false
                    break
                }
                mapped.append(byte)
            }
            bytes += complete ? mapped : Array(token.utf8)
        }
        // Swift repairs invalid UTF-8 by maximal subparts, as Rust's from_utf8_lossy does.
        return [String(decoding: bytes, as: UTF8.self)]
    }
}
