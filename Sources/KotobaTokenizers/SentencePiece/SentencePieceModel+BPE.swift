// SentencePiece BPE encoding: repeatedly merge the adjacent pair whose concatenation is the highest-scoring piece.
// Reference: sentencepiece v0.2.0 src/bpe_model.cc, Model::SampleEncode (alpha = 0, no dropout).
// Sennrich et al., "Neural Machine Translation of Rare Words with Subword Units", ACL 2016.

extension SentencePieceModel {
    /// An agenda entry (`SymbolPair`): greater score first, then the leftmost pair.
    private struct Pair: Comparable {
        var left: Int
        var right: Int
        var score: Float
        var size: Int

        static func < (a: Pair, b: Pair) -> Bool {
            a.score < b.score || (a.score == b.score && a.left > b.left)
        }
    }

    private struct Symbol {
        var prev: Int
        var next: Int
        var freeze: Bool
        var start: Int
        var length: Int
    }

    func encodeBPE(_ bytes: UnsafeBufferPointer<UInt8>) -> [UnigramLattice.Node] {
        var symbols: [Symbol] = []
        var position = 0
        // Split into characters; a user-defined piece stays one frozen symbol.
        while position < bytes.count {
            var length = 0
            var frozen = false
            if let userDefined = userDefinedTrie {
                userDefined.forEachPrefix(of: bytes, from: position) { l, _ in length = l }
                frozen = length > 0
            }
            if !frozen { length = min(UnigramLattice.utf8Length(lead: bytes[position]), bytes.count - position) }
            let index = symbols.count
            symbols.append(Symbol(prev: index - 1, next: position + length < bytes.count ? index + 1 : -1,
                                  freeze: frozen, start: position, length: length))
            position += length
        }
        if symbols.isEmpty { return [] }

        var agenda = BPEMergeQueue<Pair>(capacity: symbols.count)
        // Unused pieces may be merged through, then are split back (`rev_merge`, keyed by the piece's text, so
        // the last split recorded for a text is the one used everywhere).
        var reverseMerges: [ScalarKey: (String, String)] = [:]
        func maybeAdd(_ left: Int, _ right: Int) {
            if left == -1 || right == -1 || symbols[left].freeze || symbols[right].freeze { return }
            let start = symbols[left].start
            let size = symbols[left].length + symbols[right].length
            guard let id = candidateID(bytes, start..<(start + size)) else { return }
            agenda.push(Pair(left: left, right: right, score: proto.pieces[Int(id)].score, size: size))
            if proto.pieces[Int(id)].type == .unused {
                let middle = start + symbols[left].length
                reverseMerges[ScalarKey(text(bytes, start..<(start + size)))] =
                    (text(bytes, start..<middle), text(bytes, middle..<(start + size)))
            }
        }
        for i in 1..<symbols.count { maybeAdd(i - 1, i) }

        while let top = agenda.pop() {
            // Skip entries made stale by an earlier merge.
            if symbols[top.left].length == 0 || symbols[top.right].length == 0
                || symbols[top.left].length + symbols[top.right].length != top.size { continue }
            symbols[top.left].length += symbols[top.right].length
            symbols[top.left].next = symbols[top.right].next
            if symbols[top.right].next >= 0 { symbols[symbols[top.right].next].prev = top.left }
            symbols[top.right].length = 0
            maybeAdd(symbols[top.left].prev, top.left)
            maybeAdd(top.left, symbols[top.left].next)
        }

        var output: [UnigramLattice.Node] = []
        func resegment(_ piece: String, at start: Int) {
            let id = id(of: piece)
            if type(of: id) == .unused, let (left, right) = reverseMerges[ScalarKey(piece)] {
                resegment(left, at: start)
                resegment(right, at: start + left.utf8.count)
            } else {
                output.append(UnigramLattice.Node(start: start, end: start + piece.utf8.count, id: id))
            }
        }
        var index = 0
        while index != -1 {
            let symbol = symbols[index]
            resegment(text(bytes, symbol.start..<(symbol.start + symbol.length)), at: symbol.start)
            index = symbol.next
        }
        return output
    }

    /// The id of `bytes[range]` among segmentation candidates (`pieces_.find`), or nil.
    private func candidateID(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int32? {
        var found: Int32?
        pieceTrie.forEachPrefix(of: UnsafeBufferPointer(rebasing: bytes[range]), from: 0) { length, id in
            if length == range.count { found = id }
        }
        return found
    }

    private func text(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
}
