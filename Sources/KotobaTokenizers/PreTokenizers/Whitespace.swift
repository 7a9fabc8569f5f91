// tokenizers v0.23.3 tokenizers/src/pre_tokenizers/whitespace.rs (Whitespace): keeps the matches of the
// Oniguruma regex `\w+|[^\w\s]+` (split on `Invert(regex)`, Removed). Matched by hand with Oniguruma's Unicode
// classes: \w is General_Category Letter | Mark | Number | Connector_Punctuation, \s is White_Space.

/// tokenizer.json `"type": "Whitespace"`.
package struct Whitespace: PreTokenizer {
    package init() {}

    static func isWord(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark,
             .decimalNumber, .letterNumber, .otherNumber, .connectorPunctuation: true
        default: false
        }
    }

    /// Runs of `\w` and runs of `[^\w\s]` as matches, whitespace between them as non-matches.
    static func wordMatches(_ scalars: [Unicode.Scalar]) -> [PatternMatch] {
        var result: [PatternMatch] = []
        var i = 0
        var gapStart = 0
        while i < scalars.count {
            let c = scalars[i]
            if c.properties.isWhitespace && !isWord(c) {
                i += 1
                continue
            }
            let word = isWord(c)
            var end = i + 1
            while end < scalars.count,
                  word ? isWord(scalars[end]) : !(isWord(scalars[end]) || scalars[end].properties.isWhitespace) {
                end += 1
            }
            if gapStart < i { result.append(PatternMatch(gapStart..<i, isMatch: false)) }
            result.append(PatternMatch(i..<end, isMatch: true))
            i = end
            gapStart = end
        }
        if gapStart < scalars.count { result.append(PatternMatch(gapStart..<scalars.count, isMatch: false)) }
        return result
    }

    package func preTokenize(_ text: inout PreTokenizedString) throws(TokenizerError) {
        text.split { _, piece in
            // Invert: the regex's matches are kept, everything between them removed.
            let inverted = Self.wordMatches(piece.scalars).map { PatternMatch($0.range, isMatch: !$0.isMatch) }
            return piece.split(inverted.isEmpty ? [PatternMatch(0..<0, isMatch: false)] : inverted, behavior: .removed)
        }
    }
}
