// Splitting a word into initial symbols and applying merges, lowest rank first.
// Reference: tokenizers v0.23.3 tokenizers/src/models/bpe/model.rs (merge_word, tokenize, word_to_tokens) and
// tokenizers/src/models/bpe/word.rs (Word::merge_all without dropout).

extension BPE {
    /// One symbol of a word: its id, its scalar span in the word, and its neighbours (-1 at the ends).
    /// The reference marks a merged-away symbol by `len == 0`; lengths there are bytes and never 0 otherwise,
    /// so `removed` is the same test. Spans are scalars: byte-fallback tokens of one character share its span,
    /// which is what tokenizers' byte offsets become once aligned and converted to characters.
    struct Symbol {
        var id: Int32
        var prev: Int
        var next: Int
        var span: Range<Int>
        var removed = false
    }

    /// A queued merge: lowest rank first, then leftmost position (`Merge`'s Ord in word.rs).
    struct Merge: Comparable {
        var position: Int
        var rank: Int32
        var id: Int32

        static func < (a: Merge, b: Merge) -> Bool {
            a.rank != b.rank ? a.rank > b.rank : a.position > b.position
        }
    }

    package func tokenize(_ word: [Unicode.Scalar]) throws(TokenizerError) -> [Token] {
        if word.isEmpty { return [] }
        let text = String(String.UnicodeScalarView(word))
        if ignoreMerges, let id = ids[ScalarKey(text)] {
            return [Token(id: id, value: text, offsets: 0..<word.count)]
        }
        var symbols = try initialSymbols(word)
        mergeAll(&symbols)
        return symbols.filter { !$0.removed }.map {
            Token(id: Int($0.id), value: tokens[Int($0.id)] ?? "", offsets: $0.span)
        }
    }

    /// `merge_word`'s first half: one symbol per scalar (with prefix / suffix), byte fallback, unknowns.
    private func initialSymbols(_ word: [Unicode.Scalar]) throws(TokenizerError) -> [Symbol] {
        var symbols: [Symbol] = []
        symbols.reserveCapacity(word.count)
        var unknown: (id: Int32, span: Range<Int>)?
        func add(_ id: Int32, _ span: Range<Int>) {
            let index = symbols.count
            if index > 0 { symbols[index - 1].next = index }
            symbols.append(Symbol(id: id, prev: index - 1, next: -1, span: span))
        }
        for (i, scalar) in word.enumerated() {
            var piece = String(scalar)
            if i > 0, let prefix = continuingSubwordPrefix { piece = prefix + piece }
            if i == word.count - 1, let suffix = endOfWordSuffix { piece += suffix }
            if let id = ids[ScalarKey(piece)] {
                if let pending = unknown {
                    add(pending.id, pending.span)
                    unknown = nil
                }
                add(Int32(id), i..<(i + 1))
                continue
            }
            if byteFallback {
                // Every byte of the piece (prefix and suffix included) must be in the vocabulary as <0xXX>.
                let byteIDs = piece.utf8.map { ids[ScalarKey(SentencePieceTokenizer.bytePieceName($0))] }
                let found = byteIDs.compactMap { $0 }
                if found.count == byteIDs.count {
                    // The reference adds these without flushing a pending unknown, so it stays pending.
                    for id in found { add(Int32(id), i..<(i + 1)) }
                    continue
                }
            }
            guard let unknownToken else { continue }
            guard let unknownID = ids[ScalarKey(unknownToken)] else {
                throw .missingToken(stage: "model BPE", token: unknownToken)
            }
            if let pending = unknown {
                if fuseUnknown {
                    unknown = (pending.id, pending.span.lowerBound..<(i + 1))
                } else {
                    add(pending.id, pending.span)
                    unknown = (Int32(unknownID), i..<(i + 1))
                }
            } else {
                unknown = (Int32(unknownID), i..<(i + 1))
            }
        }
        if let pending = unknown { add(pending.id, pending.span) }
        return symbols
    }

    /// `Word::merge_all`: apply the lowest-ranked available merge until none is left.
    private func mergeAll(_ symbols: inout [Symbol]) {
        var queue = BPEMergeQueue<Merge>(capacity: symbols.count)
        func pair(_ left: Int32, _ right: Int32) -> (rank: Int32, id: Int32)? {
            merges[UInt64(UInt32(left)) << 32 | UInt64(UInt32(right))]
        }
        for i in 0..<max(symbols.count - 1, 0) {
            if let m = pair(symbols[i].id, symbols[i + 1].id) { queue.push(Merge(position: i, rank: m.rank, id: m.id)) }
        }
        while let top = queue.pop() {
            let position = top.position
            if symbols[position].removed { continue }
            if symbols[position].next == -1 { continue }
            let next = symbols[position].next
            let right = symbols[next]
            // A stale entry: the pair at this position no longer yields this merge.
            guard let current = pair(symbols[position].id, right.id), current.id == top.id else { continue }
            symbols[position].id = top.id
            symbols[position].span = symbols[position].span.lowerBound..<right.span.upperBound
            symbols[position].next = right.next
            symbols[next].removed = true
            if right.next >= 0 && right.next < symbols.count { symbols[right.next].prev = position }
            let previous = symbols[position].prev
            if previous >= 0, let m = pair(symbols[previous].id, symbols[position].id) {
                queue.push(Merge(position: previous, rank: m.rank, id: m.id))
            }
            let following = symbols[position].next
            if following >= 0 && following < symbols.count, let m = pair(symbols[position].id, symbols[following].id) {
                queue.push(Merge(position: position, rank: m.rank, id: m.id))
            }
        }
    }
}
