// tokenizers v0.23.3 tokenizers/src/decoders/byte_fallback.rs: runs of `<0xXX>` tokens become their bytes
// decoded as UTF-8; a run that is not valid UTF-8 becomes one U+FFFD per byte.

/// tokenizer.json decoder `"type": "ByteFallback"`.
package struct ByteFallbackDecoder: TokenDecoder {
    package init() {}

    package func decodeChain(_ tokens: [String]) -> [String] {
        var output: [String] = []
        var pending: [UInt8] = []
        func flush() {
            guard !pending.isEmpty else { return }
            if let text = String(validating: pending, as: UTF8.self) {
                output.append(text)
            } else {
                output += repeatElement("\u{FFFD}", count: pending.count)
            }
            pending.removeAll()
        }
        for token in tokens {
            if let byte = SentencePieceTokenizer.byteValue(ofPiece: token) {
                pending.append(byte)
            } else {
                flush()
                output.append(token)
            }
        }
        flush()
        return output
    }
}
