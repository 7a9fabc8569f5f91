import KotobaJSON

// The `pattern` of Replace / Split stages: `{"String": s}` or `{"Regex": r}`
// (tokenizers v0.23.3 tokenizers/src/utils/pattern.rs, normalizers/replace.rs `ReplacePattern`).
// tokenizers matches with Oniguruma; Kotoba compiles regexes with Swift Regex over Unicode scalars, after spelling
// `\d` and `\w` as Oniguruma's Unicode properties. PreTokenizerSplitPatternTests checks the split regexes of
// GPT-4/Llama 3, Qwen2, GPT-2, `\w+|[^\w\s]+` and `\d+` against Oniguruma on the corpus. A pattern Swift Regex
// cannot compile is refused, not approximated.

/// A literal or regular-expression pattern; `matches(in:)` is tokenizers' `Pattern::find_matches`.
package struct TokenizerPattern: @unchecked Sendable {
    // @unchecked: `Regex` is an immutable value whose matching does not mutate it.
    private enum Kind {
        case literal([Unicode.Scalar])
        case regex(Regex<AnyRegexOutput>)
    }

    private let kind: Kind
    /// The pattern as tokenizer.json spells it, for errors and descriptions.
    package let source: String

    package static func literal(_ text: String) -> TokenizerPattern {
        TokenizerPattern(kind: .literal(Array(text.unicodeScalars)), source: text)
    }

    package static func regex(_ pattern: String, stage: String) throws(TokenizerError) -> TokenizerPattern {
        guard let translated = onigurumaClasses(pattern) else {
            throw .unsupportedOption(stage: stage, option: "pattern Regex", value: pattern)
        }
        do {
            let regex = try Regex(translated).matchingSemantics(.unicodeScalar)
            return TokenizerPattern(kind: .regex(regex), source: pattern)
        } catch {
            throw .unsupportedOption(stage: stage, option: "pattern Regex", value: pattern)
        }
    }

    /// Spells Oniguruma's Unicode `\d` (Nd) and `\w` (L, M, N, Pc) as explicit properties: Swift Regex's `\d`
    /// also takes 八, ① and ½, and its `\w` leaves out ２, so the shorthand would split differently
    /// (the corpus pins both). `\W` inside a bracket has no property spelling here and is refused (nil).
    static func onigurumaClasses(_ pattern: String) -> String? {
        let word = #"\p{L}\p{M}\p{N}\p{Pc}"#
        var out = ""
        var depth = 0
        var scalars = pattern.unicodeScalars.makeIterator()
        while let c = scalars.next() {
            if c == "\\" {
                guard let e = scalars.next() else { return nil }
                switch e {
                case "d": out += #"\p{Nd}"#
                case "D": out += #"\P{Nd}"#
                case "w": out += depth > 0 ? word : "[" + word + "]"
                case "W":
                    guard depth == 0 else { return nil }
                    out += "[^" + word + "]"
                default:
                    out.unicodeScalars.append(c)
                    out.unicodeScalars.append(e)
                }
                continue
            }
            if c == "[" { depth += 1 } else if c == "]" && depth > 0 { depth -= 1 }
            out.unicodeScalars.append(c)
        }
        return out
    }

    /// Reads a tokenizer.json `{"String": ...}` / `{"Regex": ...}` object.
    static func read(_ json: JSONValue?, stage: String) throws(TokenizerError) -> TokenizerPattern {
        if let literal = json?["String"]?.stringValue { return .literal(literal) }
        if let regex = json?["Regex"]?.stringValue { return try .regex(regex, stage: stage) }
        throw .invalidConfiguration(stage: stage, reason: "\"pattern\" must be {\"String\": ...} or {\"Regex\": ...}")
    }

    /// Matches and the gaps between them, covering `scalars` in order; empty input gives one empty non-match.
    package func matches(in scalars: [Unicode.Scalar]) -> [PatternMatch] {
        if scalars.isEmpty { return [PatternMatch(0..<0, isMatch: false)] }
        let found: [Range<Int>]
        switch kind {
        case let .literal(literal):
            if literal.isEmpty { return [PatternMatch(0..<scalars.count, isMatch: false)] }
            found = Self.literalMatches(literal, in: scalars)
        case let .regex(regex):
            found = Self.regexMatches(regex, in: scalars)
        }
        var result: [PatternMatch] = []
        var previous = 0
        for range in found {
            if previous != range.lowerBound { result.append(PatternMatch(previous..<range.lowerBound, isMatch: false)) }
            result.append(PatternMatch(range, isMatch: true))
            previous = range.upperBound
        }
        if previous != scalars.count { result.append(PatternMatch(previous..<scalars.count, isMatch: false)) }
        return result
    }

    private static func literalMatches(_ literal: [Unicode.Scalar], in scalars: [Unicode.Scalar]) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var i = 0
        while i + literal.count <= scalars.count {
            if scalars[i] == literal[0] && scalars[i..<(i + literal.count)].elementsEqual(literal) {
                found.append(i..<(i + literal.count))
                i += literal.count
            } else {
                i += 1
            }
        }
        return found
    }

    private static func regexMatches(_ regex: Regex<AnyRegexOutput>, in scalars: [Unicode.Scalar]) -> [Range<Int>] {
        let text = String(String.UnicodeScalarView(scalars))
        let view = text.unicodeScalars
        var found: [Range<Int>] = []
        var lastIndex = view.startIndex
        var lastOffset = 0
        func offset(of index: String.Index) -> Int {
            lastOffset += view.distance(from: lastIndex, to: index)
            lastIndex = index
            return lastOffset
        }
        for match in text.matches(of: regex) {
            let start = offset(of: match.range.lowerBound)
            let end = offset(of: match.range.upperBound)
            found.append(start..<end)
        }
        return found
    }
}
