// Mirrors `NormalizedString::split` and `SplitDelimiterBehavior` at tokenizers v0.23.3
// (tokenizers/src/tokenizer/normalizer.rs, tokenizers/src/tokenizer/pattern.rs).

/// What to do with a delimiter when splitting (`SplitDelimiterBehavior`; tokenizer.json spells the cases
/// "Removed", "Isolated", "MergedWithPrevious", "MergedWithNext", "Contiguous").
package enum SplitDelimiterBehavior: String, Sendable {
    case removed = "Removed"
    case isolated = "Isolated"
    case mergedWithPrevious = "MergedWithPrevious"
    case mergedWithNext = "MergedWithNext"
    case contiguous = "Contiguous"
}

/// One piece of a pattern search: a normalized scalar range and whether it is a match (delimiter).
package struct PatternMatch: Sendable, Equatable {
    package var range: Range<Int>
    package var isMatch: Bool
    package init(_ range: Range<Int>, isMatch: Bool) {
        self.range = range
        self.isMatch = isMatch
    }
}

extension NormalizedString {
    /// The `Pattern::find_matches` of a per-scalar predicate: every matching scalar is its own match, the runs
    /// between them are non-matches; together they cover the string (an empty string gives one empty non-match).
    package func matches(where isDelimiter: (Unicode.Scalar) -> Bool) -> [PatternMatch] {
        if scalars.isEmpty { return [PatternMatch(0..<0, isMatch: false)] }
        var result: [PatternMatch] = []
        var lastOffset = 0
        for (i, scalar) in scalars.enumerated() where isDelimiter(scalar) {
            if lastOffset < i { result.append(PatternMatch(lastOffset..<i, isMatch: false)) }
            result.append(PatternMatch(i..<(i + 1), isMatch: true))
            lastOffset = i + 1
        }
        if scalars.count > lastOffset { result.append(PatternMatch(lastOffset..<scalars.count, isMatch: false)) }
        return result
    }

    /// Splits along `matches` (which must cover the string in order), treating matches as `behavior` says.
    /// Empty pieces are kept here; `PreTokenizedString.split` drops them, as `tokenizers` does.
    package func split(_ matches: [PatternMatch], behavior: SplitDelimiterBehavior) -> [NormalizedString] {
        var pieces: [(range: Range<Int>, remove: Bool)] = []
        switch behavior {
        case .isolated:
            pieces = matches.map { ($0.range, false) }
        case .removed:
            pieces = matches.map { ($0.range, $0.isMatch) }
        case .contiguous:
            var previousMatch = false
            for m in matches {
                if m.isMatch == previousMatch, let last = pieces.last {
                    pieces[pieces.count - 1].range = last.range.lowerBound..<m.range.upperBound
                } else {
                    pieces.append((m.range, false))
                }
                previousMatch = m.isMatch
            }
        case .mergedWithPrevious:
            var previousMatch = false
            for m in matches {
                if m.isMatch, !previousMatch, let last = pieces.last {
                    pieces[pieces.count - 1].range = last.range.lowerBound..<m.range.upperBound
                } else {
                    pieces.append((m.range, false))
                }
                previousMatch = m.isMatch
            }
        case .mergedWithNext:
            var previousMatch = false
            for m in matches.reversed() {
                if m.isMatch, !previousMatch, let last = pieces.last {
                    pieces[pieces.count - 1].range = m.range.lowerBound..<last.range.upperBound
                } else {
                    pieces.append((m.range, false))
                }
                previousMatch = m.isMatch
            }
            pieces.reverse()
        }
        return pieces.filter { !$0.remove }.map { slice($0.range) }
    }
}
