// tokenizers v0.23.3 tokenizers/src/decoders/strip.rs: removes up to `start` leading and `stop` trailing
// occurrences of `content` from each token.

/// tokenizer.json decoder `"type": "Strip"`.
package struct StripDecoder: TokenDecoder {
    package let content: Unicode.Scalar
    package let start: Int
    package let stop: Int

    package init(content: Unicode.Scalar, start: Int, stop: Int) {
        self.content = content
        self.start = start
        self.stop = stop
    }

    init(_ config: StageConfig) throws(TokenizerError) {
        let text = try config.string("content")
        guard text.unicodeScalars.count == 1, let content = text.unicodeScalars.first else {
            throw .invalidConfiguration(stage: "decoder Strip", reason: "content must be one character")
        }
        let start = try config.int("start")
        let stop = try config.int("stop")
        guard start >= 0, stop >= 0 else {
            throw .invalidConfiguration(stage: "decoder Strip", reason: "start and stop must not be negative")
        }
        self.init(content: content, start: start, stop: stop)
    }

    package func decodeChain(_ tokens: [String]) -> [String] {
        tokens.map { token in
            let chars = Array(token.unicodeScalars)
            var startCut = 0
            for c in chars.prefix(start) {
                guard c == content else { break }
                startCut += 1
            }
            var stopCut = chars.count
            // The reference indexes `len - i - 1` for i < stop; past the start of the token it would panic.
            for i in 0..<min(stop, chars.count) {
                let index = chars.count - i - 1
                guard chars[index] == content else { break }
                stopCut = index
            }
            guard startCut < stopCut else { return "" }
            return String(String.UnicodeScalarView(chars[startCut..<stopCut]))
        }
    }
}
