// tokenizers v0.23.3 tokenizers/src/normalizers/replace.rs (Replace) and normalizer.rs (`NormalizedString::replace`).
// Every scalar of `content` is an insertion aligned with the last scalar of the match it replaces (for an empty
// match, the scalar before it), which is what `replace` builds with `transform_range`.

/// tokenizer.json `"type": "Replace"`: replaces every match of `pattern` by `content`.
package struct Replace: Normalizer {
    package let pattern: TokenizerPattern
    package let content: String

    package init(pattern: TokenizerPattern, content: String) {
        self.pattern = pattern
        self.content = content
    }

    init(_ config: StageConfig) throws(TokenizerError) {
        self.init(pattern: try TokenizerPattern.read(config.value("pattern"), stage: "normalizer Replace"),
                  content: try config.string("content"))
    }

    package func normalize(_ text: inout NormalizedString) throws(TokenizerError) {
        text.replace(pattern, with: Array(content.unicodeScalars))
    }
}

extension NormalizedString {
    /// `NormalizedString::replace`: each match becomes `content`, every new scalar aligned with the match's last
    /// scalar (an empty match: the scalar before it, or the start of this string's original span).
    mutating func replace(_ pattern: TokenizerPattern, with content: [Unicode.Scalar]) {
        let matches = pattern.matches(in: scalars).filter(\.isMatch)
        if matches.isEmpty { return }
        var newScalars: [Unicode.Scalar] = []
        var newAlignments: [Offsets] = []
        newScalars.reserveCapacity(scalars.count)
        newAlignments.reserveCapacity(scalars.count)
        var position = 0
        for match in matches {
            newScalars += scalars[position..<match.range.lowerBound]
            newAlignments += alignments[position..<match.range.lowerBound]
            let alignment: Offsets
            if !match.range.isEmpty {
                alignment = alignments[match.range.upperBound - 1]
            } else if match.range.lowerBound > 0 {
                alignment = alignments[match.range.lowerBound - 1]
            } else {
                alignment = Offsets(originalSpan.start, originalSpan.start)
            }
            newScalars += content
            newAlignments += repeatElement(alignment, count: content.count)
            position = match.range.upperBound
        }
        newScalars += scalars[position...]
        newAlignments += alignments[position...]
        self = NormalizedString(scalars: newScalars, alignments: newAlignments, originalSpan: originalSpan)
    }
}
