// tokenizers v0.23.3 tokenizers/src/pre_tokenizers/split.rs (Split): split on a String or Regex pattern with a
// delimiter behavior; `invert` swaps matches and gaps first.

/// tokenizer.json pre-tokenizer `"type": "Split"`.
package struct Split: PreTokenizer {
    package let pattern: TokenizerPattern
    package let behavior: SplitDelimiterBehavior
    package let invert: Bool

    package init(pattern: TokenizerPattern, behavior: SplitDelimiterBehavior, invert: Bool = false) {
        self.pattern = pattern
        self.behavior = behavior
        self.invert = invert
    }

    init(_ config: StageConfig) throws(TokenizerError) {
        let raw = try config.string("behavior")
        guard let behavior = SplitDelimiterBehavior(rawValue: raw) else {
            throw .unsupportedOption(stage: "pre_tokenizer Split", option: "behavior", value: raw)
        }
        self.init(pattern: try TokenizerPattern.read(config.value("pattern"), stage: "pre_tokenizer Split"),
                  behavior: behavior, invert: try config.bool("invert", default: false))
    }

    package func preTokenize(_ text: inout PreTokenizedString) throws(TokenizerError) {
        text.split { _, piece in
            var matches = pattern.matches(in: piece.scalars)
            if invert { matches = matches.map { PatternMatch($0.range, isMatch: !$0.isMatch) } }
            return piece.split(matches, behavior: behavior)
        }
    }
}
