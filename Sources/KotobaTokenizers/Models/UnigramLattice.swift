// The Unigram best path (Viterbi over a lattice of vocabulary pieces).
// Kudo, "Subword Regularization: Improving Neural Network Translation Models with Multiple Subword Candidates",
// ACL 2018, section 3.
// Matches the two "optimized" encoders, which keep only the best node ending at each byte position:
//   sentencepiece v0.2.0 src/unigram_model.cc, Model::Encode (scores in f32)
//   tokenizers v0.23.3 tokenizers/src/models/unigram/model.rs, Unigram::encode_optimized (scores in f64)
// Both step through the input one UTF-8 character at a time, try every piece starting there (shortest first,
// ties keep the first candidate), and give a character no single piece covers an unknown node.

/// Best-path segmentation shared by the tokenizer.json Unigram model and SentencePiece's unigram model.
enum UnigramLattice {
    /// One piece of the best path: a byte range of the input and the piece id.
    struct Node: Equatable {
        var start: Int
        var end: Int
        var id: Int32
    }

    /// The best path through `bytes`, left to right.
    /// - `score(id, length)`: the piece's score, or nil to skip it (sentencepiece's unused pieces). Returned in
    ///   f64 because sentencepiece's user-defined bonus is computed in double before being stored in f32.
    /// - `Score`: the precision path scores are kept in (Float for sentencepiece, Double for tokenizers); sums are
    ///   formed in Double and rounded to `Score`, which for two Floats equals the f32 sum.
    /// - `characterLength(position)`: units in the character starting there (UTF-8 length for bytes, 1 for scalars).
    static func bestPath<Unit: FixedWidthInteger & Sendable, Score: BinaryFloatingPoint>(
        _ bytes: UnsafeBufferPointer<Unit>, trie: UnigramTrie<Unit>, unknownID: Int32, unknownScore: Score,
        as _: Score.Type, characterLength: (Int) -> Int, score: (_ id: Int32, _ length: Int) -> Double?
    ) -> [Node] {
        let size = bytes.count
        if size == 0 { return [] }
        var bestScore = [Score](repeating: 0, count: size + 1)
        var startsAt = [Int](repeating: -1, count: size + 1)
        var bestID = [Int32](repeating: -1, count: size + 1)
        var position = 0
        while position < size {
            let tillHere = Double(bestScore[position])
            let charLength = min(characterLength(position), size - position)
            var hasSingleNode = false
            trie.forEachPrefix(of: bytes, from: position) { length, id in
                guard let pieceScore = score(id, length) else { return }
                let end = position + length
                let candidate = Score(pieceScore + tillHere)
                if startsAt[end] == -1 || candidate > bestScore[end] {
                    bestScore[end] = candidate
                    startsAt[end] = position
                    bestID[end] = id
                }
                if length == charLength { hasSingleNode = true }
            }
            if !hasSingleNode {
                let end = position + charLength
                let candidate = Score(Double(unknownScore) + tillHere)
                if startsAt[end] == -1 || candidate > bestScore[end] {
                    bestScore[end] = candidate
                    startsAt[end] = position
                    bestID[end] = unknownID
                }
            }
            position += charLength
        }
        var nodes: [Node] = []
        var end = size
        while end > 0 {
            let start = startsAt[end]
            precondition(start >= 0 && start < end, "every character boundary is reached by a piece or an unknown")
            nodes.append(Node(start: start, end: end, id: bestID[end]))
            end = start
        }
        return nodes.reversed()
    }

    /// Bytes in the UTF-8 sequence led by `lead` (sentencepiece's OneCharLen table; continuation bytes count 1).
    @inline(__always)
    static func utf8Length(lead: UInt8) -> Int {
        switch lead {
        case 0..<0xC0: 1
        case 0xC0..<0xE0: 2
        case 0xE0..<0xF0: 3
        default: 4
        }
    }
}
