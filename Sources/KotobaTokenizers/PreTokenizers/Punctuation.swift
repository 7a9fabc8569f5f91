// tokenizers v0.23.3 tokenizers/src/pre_tokenizers/punctuation.rs: splits on `is_punc` (ASCII punctuation or
// Unicode P*), with the configured behavior (default Isolated).

/// tokenizer.json `"type": "Punctuation"`.
package struct Punctuation: PreTokenizer {
    package let behavior: SplitDelimiterBehavior

    package init(behavior: SplitDelimiterBehavior = .isolated) { self.behavior = behavior }

    init(_ config: StageConfig) throws(TokenizerError) {
        let raw = try config.optionalString("behavior") ?? "Isolated"
        guard let behavior = SplitDelimiterBehavior(rawValue: raw) else {
            throw .unsupportedOption(stage: "pre_tokenizer Punctuation", option: "behavior", value: raw)
        }
        self.init(behavior: behavior)
    }

    package func preTokenize(_ text: inout PreTokenizedString) throws(TokenizerError) {
        text.split { _, piece in piece.split(piece.matches(where: BertCharacterClasses.isPunctuation), behavior: behavior) }
    }
}
