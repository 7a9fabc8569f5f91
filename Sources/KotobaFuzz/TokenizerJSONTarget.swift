import KotobaJSON
@testable import KotobaTokenizers

/// Loading `tokenizer.json` from arbitrary bytes, as `Tokenizer.load(tokenizerJSON:)` does after reading the
/// file. Rules: a file loads or is refused with a `TokenizerError`; a tokenizer that loads encodes sample
/// text, or refuses it, keeping `EncodingRules`.
enum TokenizerJSONTarget {
    static let samples = ["Hello, world! The quick brown fox.", "  héllo\tWORLD 123 ü e\u{301} 日本語 😀 ",
                          "unaffable [MASK] <unk> </s>", ""]

    static let target = FuzzTarget(
        name: "tokenizer-json",
        summary: "tokenizer.json loading: loads or refuses; what loads encodes samples keeping the encoding rules"
    ) { bytes throws(InvariantFailure) in
        guard let json = try? JSONValue.parse(bytes) else { return }
        let tokenizer: Tokenizer
        do {
            let file = try TokenizerFile(json)
            tokenizer = try Tokenizer(normalizer: file.normalizer, preTokenizer: file.preTokenizer, model: file.model,
                                      postProcessor: file.postProcessor, decoder: file.decoder,
                                      addedTokens: file.addedTokens, specialTokens: .bertDefaults,
                                      configuredTruncation: file.truncation, configuredPadding: file.padding)
        } catch {
            return
        }
        for text in samples {
            guard let encoding = try? tokenizer.encode(text) else { continue }
            try EncodingRules.check(encoding, of: tokenizer, texts: [text])
            _ = tokenizer.decode(encoding.ids, skipSpecialTokens: true)
        }
    }
}
