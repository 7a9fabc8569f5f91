// The GPT-2 split regex of tokenizers v0.23.3 byte_level.rs, as a hand-written leftmost-first matcher.

extension ByteLevel {
    private static func isLetter(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: true
        default: false
        }
    }

    private static func isNumber(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: true
        default: false
        }
    }

    private static func isSpace(_ c: Unicode.Scalar) -> Bool { c.properties.isWhitespace }

    private static func isOther(_ c: Unicode.Scalar) -> Bool { !isSpace(c) && !isLetter(c) && !isNumber(c) }

    /// The regex's matches over `s`; every scalar falls in exactly one match, so there are no gaps.
    static func gpt2Matches(_ s: [Unicode.Scalar]) -> [PatternMatch] {
        if s.isEmpty { return [PatternMatch(0..<0, isMatch: false)] }
        var result: [PatternMatch] = []
        var i = 0
        func run(from start: Int, _ test: (Unicode.Scalar) -> Bool) -> Int {
            var end = start
            while end < s.count && test(s[end]) { end += 1 }
            return end
        }
        while i < s.count {
            let end = matchEnd(s, at: i, run: run)
            result.append(PatternMatch(i..<end, isMatch: true))
            i = end
        }
        return result
    }

    private static func matchEnd(
        _ s: [Unicode.Scalar], at i: Int, run: (Int, (Unicode.Scalar) -> Bool) -> Int
    ) -> Int {
        let c = s[i]
        // 's 't 're 've 'm 'll 'd
        if c == "'" && i + 1 < s.count {
            let n = s[i + 1]
            if n == "s" || n == "t" || n == "m" || n == "d" { return i + 2 }
            if i + 2 < s.count {
                let m = s[i + 2]
                if (n == "r" && m == "e") || (n == "v" && m == "e") || (n == "l" && m == "l") { return i + 3 }
            }
        }
        // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`
        let body = c == " " ? i + 1 : i
        if body < s.count {
            for test in [isLetter, isNumber, isOther] where test(s[body]) {
                return run(body, test)
            }
        }
        // `\s+(?!\S)`, then `\s+`
        if isSpace(c) {
            let end = run(i, isSpace)
            if end == s.count || end - i == 1 { return end }
            return end - 1
        }
        // Unreachable for well-formed input (every scalar is a letter, number, space or other); advance safely.
        return i + 1
    }
}
