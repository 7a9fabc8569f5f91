// Mirrors tokenizers/src/tokenizer/encoding.rs (Encoding) at tokenizers v0.23.3, without `overflowing`
// (Kotoba reports how much truncation removed instead of returning the removed windows).

/// The result of encoding one input (or pair): parallel arrays, one element per token, as `tokenizers` gives them.
package struct Encoding: Sendable, Equatable {
    package var ids: [Int]
    package var tokens: [String]
    /// Character (Unicode scalar) offsets into the original input the token comes from; (0, 0) for special
    /// and padding tokens. For a pair, offsets of the second sequence's tokens index the second input.
    package var offsets: [Offsets]
    package var typeIds: [Int]
    /// 1 for real tokens, 0 for padding.
    package var attentionMask: [Int]
    /// 1 for tokens added by the post-processor or padding, 0 for tokens of the input.
    package var specialTokensMask: [Int]
    /// Index of the pre-tokenized word each token comes from, nil for special and padding tokens.
    package var wordIds: [Int?]
    /// Which input (0 or 1) each token comes from, nil for special and padding tokens (`Encoding::sequence_ids`).
    package var sequenceIds: [Int?]
    /// Set when truncation was requested: how long the encoding was before and how many tokens it lost.
    package var truncation: TruncationReport?

    package init(ids: [Int] = [], tokens: [String] = [], offsets: [Offsets] = [], typeIds: [Int] = [],
                attentionMask: [Int] = [], specialTokensMask: [Int] = [], wordIds: [Int?] = [],
                sequenceIds: [Int?] = [], truncation: TruncationReport? = nil) {
        self.ids = ids
        self.tokens = tokens
        self.offsets = offsets
        self.typeIds = typeIds
        self.attentionMask = attentionMask
        self.specialTokensMask = specialTokensMask
        self.wordIds = wordIds
        self.sequenceIds = sequenceIds
        self.truncation = truncation
    }

    package var count: Int { ids.count }
    package var isEmpty: Bool { ids.isEmpty }

    /// The encoding of special tokens added by a post-processor: offsets (0, 0), mask 1, no word.
    static func special(ids: [Int], tokens: [String], typeId: Int) -> Encoding {
        Encoding(ids: ids, tokens: tokens, offsets: Array(repeating: .none, count: ids.count),
                 typeIds: Array(repeating: typeId, count: ids.count),
                 attentionMask: Array(repeating: 1, count: ids.count),
                 specialTokensMask: Array(repeating: 1, count: ids.count),
                 wordIds: Array(repeating: nil, count: ids.count),
                 sequenceIds: Array(repeating: nil, count: ids.count))
    }

    /// Appends `other` token by token (`Encoding::merge_with` with `growing_offsets` false).
    mutating func append(_ other: Encoding) {
        ids += other.ids
        tokens += other.tokens
        offsets += other.offsets
        typeIds += other.typeIds
        attentionMask += other.attentionMask
        specialTokensMask += other.specialTokensMask
        wordIds += other.wordIds
        sequenceIds += other.sequenceIds
    }

    /// Concatenation of `parts` in order.
    static func concatenating(_ parts: [Encoding]) -> Encoding {
        var result = Encoding()
        for part in parts { result.append(part) }
        return result
    }

    /// Sets every type id (`Encoding::set_type_ids` with a constant) and the sequence id of input tokens.
    mutating func assign(typeId: Int, sequenceId: Int) {
        typeIds = Array(repeating: typeId, count: count)
        sequenceIds = Array(repeating: sequenceId, count: count)
    }

    /// Keeps `range` of every array.
    mutating func keep(_ range: Range<Int>) {
        ids = Array(ids[range])
        tokens = Array(tokens[range])
        offsets = Array(offsets[range])
        typeIds = Array(typeIds[range])
        attentionMask = Array(attentionMask[range])
        specialTokensMask = Array(specialTokensMask[range])
        wordIds = Array(wordIds[range])
        sequenceIds = Array(sequenceIds[range])
    }
}

/// What truncation did to one encoding.
package struct TruncationReport: Sendable, Equatable {
    /// Tokens the encoding would have had without truncation, special tokens included.
    package var originalLength: Int
    /// Tokens truncation removed (0 when the input already fit).
    package var removedTokens: Int

    package init(originalLength: Int, removedTokens: Int) {
        self.originalLength = originalLength
        self.removedTokens = removedTokens
    }

    package var wasTruncated: Bool { removedTokens > 0 }
}
