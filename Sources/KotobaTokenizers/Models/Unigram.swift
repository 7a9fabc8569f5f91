// The Unigram language-model tokenizer of tokenizer.json.
// Kudo, "Subword Regularization", ACL 2018, section 3.
// Reference: tokenizers v0.23.3 tokenizers/src/models/unigram/model.rs (Unigram::from, encode_optimized,
// tokenize) https://github.com/huggingface/tokenizers/blob/v0.23.3/tokenizers/src/models/unigram/model.rs
// Scores are f64 here (sentencepiece's own encoder uses f32: see SentencePieceModel). Every vocabulary entry,
// special or not, is a lattice candidate, and the unknown score is the lowest score of all entries minus 10.

/// tokenizer.json `"type": "Unigram"`: best-path segmentation over scored pieces.
package struct Unigram: TokenizerModel {
    /// (piece, score) in id order, as the `vocab` array lists them.
    package let vocabulary: [(piece: String, score: Double)]
    package let unknownID: Int?
    package let byteFallback: Bool
    private let ids: [ScalarKey: Int]
    private let trie: UnigramTrie<UInt32>
    private let minScore: Double

    package var vocabularySize: Int { vocabulary.count }
    /// Ids are positions in the piece list, so dense.
    package var idLimit: Int { vocabulary.count }

    package init(vocabulary: [(piece: String, score: Double)], unknownID: Int?, byteFallback: Bool) throws(TokenizerError) {
        if let unknownID {
            guard !vocabulary.isEmpty else { throw .invalidConfiguration(stage: "model Unigram", reason: "empty vocabulary") }
            guard unknownID >= 0 && unknownID < vocabulary.count else {
                throw .invalidConfiguration(stage: "model Unigram", reason: "unk_id \(unknownID) is not in the vocabulary")
            }
        }
        var ids: [ScalarKey: Int] = [:]
        var minScore = Double.infinity
        for (id, entry) in vocabulary.enumerated() {
            // A repeated piece keeps its last id, as the reference's HashMap insert does.
            ids[ScalarKey(entry.piece)] = id
            if entry.score < minScore { minScore = entry.score }
        }
        self.vocabulary = vocabulary
        self.unknownID = unknownID
        self.byteFallback = byteFallback
        self.ids = ids
        self.minScore = minScore
        self.trie = UnigramTrie(ids.map { (key: $0.key.scalars, value: Int32($0.value)) })
    }

    init(_ config: StageConfig) throws(TokenizerError) {
        var entries: [(piece: String, score: Double)] = []
        for (index, item) in try config.array("vocab").enumerated() {
            guard let pair = item.arrayValue, pair.count == 2, let piece = pair[0].stringValue,
                  let score = pair[1].doubleValue else {
                throw .invalidConfiguration(stage: "model Unigram", reason: "vocab[\(index)] must be [piece, score]")
            }
            entries.append((piece, score))
        }
        try self.init(vocabulary: entries, unknownID: try config.optionalInt("unk_id"),
                      byteFallback: try config.bool("byte_fallback", default: false))
    }

    package func id(forToken token: String) -> Int? { ids[ScalarKey(token)] }

    package func token(forId id: Int) -> String? {
        id >= 0 && id < vocabulary.count ? vocabulary[id].piece : nil
    }

    package func tokenize(_ word: [Unicode.Scalar]) throws(TokenizerError) -> [Token] {
        if word.isEmpty { return [] }
        let units = word.map(\.value)
        let nodes = units.withUnsafeBufferPointer { buffer in
            UnigramLattice.bestPath(buffer, trie: trie, unknownID: Int32(unknownID ?? -1),
                                    unknownScore: minScore - 10, as: Double.self, characterLength: { _ in 1 }) { id, _ in
                vocabulary[Int(id)].score
            }
        }
        if unknownID == nil, nodes.contains(where: { $0.id < 0 }) {
            throw .missingToken(stage: "model Unigram", token: "unk_id")
        }
        // fuse_unk is always on for Unigram: a run of unknown nodes becomes one piece.
        var pieces: [Range<Int>] = []
        var previousIsUnknown = false
        for node in nodes {
            let isUnknown = node.id == Int32(unknownID ?? -1)
            if isUnknown && previousIsUnknown, let last = pieces.indices.last {
                pieces[last] = pieces[last].lowerBound..<node.end
            } else {
                pieces.append(node.start..<node.end)
            }
            previousIsUnknown = isUnknown
        }
        var tokens: [Token] = []
        tokens.reserveCapacity(pieces.count)
        for range in pieces {
            let text = String(String.UnicodeScalarView(word[range]))
            if let id = ids[ScalarKey(text)] {
                tokens.append(Token(id: id, value: text, offsets: range))
                continue
            }
            if byteFallback, let bytes = byteTokens(text, offsets: range) {
                tokens += bytes
                continue
            }
            guard let unknownID else { throw .missingToken(stage: "model Unigram", token: "unk_id") }
            tokens.append(Token(id: unknownID, value: text, offsets: range))
        }
        return tokens
    }

    /// `<0xXX>` tokens for every UTF-8 byte of `text`, or nil unless all of them are in the vocabulary.
    private func byteTokens(_ text: String, offsets: Range<Int>) -> [Token]? {
        var tokens: [Token] = []
        for byte in text.utf8 {
            let name = SentencePieceTokenizer.bytePieceName(byte)
            guard let id = ids[ScalarKey(name)] else { return nil }
            tokens.append(Token(id: id, value: name, offsets: offsets))
        }
        return tokens
    }
}
