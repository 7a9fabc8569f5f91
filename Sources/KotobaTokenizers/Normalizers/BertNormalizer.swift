// BertNormalizer, as tokenizers v0.23.3 tokenizers/src/normalizers/bert.rs
// (https://github.com/huggingface/tokenizers/blob/v0.23.3/tokenizers/src/normalizers/bert.rs), itself the
// `BasicTokenizer` of Devlin et al. 2019, "BERT" (google-research/bert tokenization.py).

/// BERT's normalizer: drop control characters, map whitespace to spaces, space out CJK ideographs,
/// strip accents (NFD, then drop Mn) and lowercase, each step optional, in that order.
package struct BertNormalizer: Normalizer {
    package var cleanText: Bool
    package var handleChineseChars: Bool
    /// nil follows `lowercase`, as in the original BERT.
    package var stripAccents: Bool?
    package var lowercase: Bool

    package init(cleanText: Bool = true, handleChineseChars: Bool = true, stripAccents: Bool? = nil, lowercase: Bool = true) {
        self.cleanText = cleanText
        self.handleChineseChars = handleChineseChars
        self.stripAccents = stripAccents
        self.lowercase = lowercase
    }

    init(_ config: StageConfig) throws(TokenizerError) {
        self.init(cleanText: try config.bool("clean_text", default: true),
                  handleChineseChars: try config.bool("handle_chinese_chars", default: true),
                  stripAccents: try config.optionalBool("strip_accents"),
                  lowercase: try config.bool("lowercase", default: true))
    }

    package func normalize(_ text: inout NormalizedString) {
        if cleanText {
            text.filter { !($0.value == 0 || $0.value == 0xFFFD || BertCharacterClasses.isControl($0)) }
            text.map { BertCharacterClasses.isWhitespace($0) ? " " : $0 }
        }
        if handleChineseChars {
            // Each ideograph becomes " c " aligned with it: tokenizers pushes (' ', 0), (c, 1), (' ', 1).
            text.flatMap(where: BertCharacterClasses.isChinese) { [" ", $0, " "] }
        }
        if stripAccents ?? lowercase {
            text.decomposeCanonically()
            text.filter { !BertCharacterClasses.isNonspacingMark($0) }
        }
        if lowercase {
            text.lowercase()
        }
    }
}
