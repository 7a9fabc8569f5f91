// Mirrors `truncate_encodings` and `Encoding::truncate` (stride 0) at tokenizers v0.23.3
// (tokenizers/src/utils/truncation.rs, tokenizers/src/tokenizer/encoding.rs).

/// Truncation options (`TruncationParams`, without `stride`: Kotoba does not return overflowing windows).
package struct Truncation: Sendable, Equatable {
    /// Which sequence of a pair loses tokens (`TruncationStrategy`).
    package enum Strategy: String, Sendable {
        /// Remove from the longer sequence first, splitting the budget when both are long.
        case longestFirst = "LongestFirst"
        case onlyFirst = "OnlyFirst"
        case onlySecond = "OnlySecond"
    }

    /// Which end of a sequence loses tokens (`TruncationDirection`).
    package enum Direction: String, Sendable {
        case right = "Right"
        case left = "Left"
    }

    /// The longest the final encoding may be, special tokens included.
    package var maxLength: Int
    package var strategy: Strategy
    package var direction: Direction

    package init(maxLength: Int, strategy: Strategy = .longestFirst, direction: Direction = .right) {
        self.maxLength = maxLength
        self.strategy = strategy
        self.direction = direction
    }
}

extension Encoding {
    /// Keeps at most `maxLength` tokens, dropping from the `direction` end.
    mutating func truncate(to maxLength: Int, direction: Truncation.Direction) {
        guard count > maxLength else { return }
        switch direction {
        case .right: keep(0..<maxLength)
        case .left: keep((count - maxLength)..<count)
        }
    }
}

extension Truncation {
    /// Truncates `first` (and `second`) so that together they hold at most `budget` tokens.
    func apply(budget: Int, _ first: inout Encoding, _ second: inout Encoding?) throws(TokenizerError) {
        if budget == 0 {
            first.truncate(to: 0, direction: direction)
            second?.truncate(to: 0, direction: direction)
            return
        }
        let total = first.count + (second?.count ?? 0)
        guard total > budget else { return }
        let toRemove = total - budget
        switch strategy {
        case .longestFirst:
            guard var other = second else {
                first.truncate(to: total - toRemove, direction: direction)
                return
            }
            var n1 = first.count
            var n2 = other.count
            let swapped = n1 > n2
            if swapped { swap(&n1, &n2) }
            n2 = n1 > budget ? n1 : max(n1, budget - n1)
            if n1 + n2 > budget {
                n1 = budget / 2
                n2 = n1 + budget % 2
            }
            if swapped { swap(&n1, &n2) }
            first.truncate(to: n1, direction: direction)
            other.truncate(to: n2, direction: direction)
            second = other
        case .onlyFirst:
            guard first.count > toRemove else { throw .truncation("the first sequence is too short to remove \(toRemove) tokens") }
            first.truncate(to: first.count - toRemove, direction: direction)
        case .onlySecond:
            guard var other = second else { throw .truncation("only_second truncation needs a second sequence") }
            guard other.count > toRemove else { throw .truncation("the second sequence is too short to remove \(toRemove) tokens") }
            other.truncate(to: other.count - toRemove, direction: direction)
            second = other
        }
    }
}
