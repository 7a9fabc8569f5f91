// Prefix lookup for the Unigram lattice, playing the part of sentencepiece's darts-clone trie
// (src/unigram_model.cc, Model::Encode's `trie_->traverse`) and tokenizers' `unigram/trie.rs`: both walk the
// input byte by byte from one position and report every vocabulary piece that is a prefix, shortest first.
// SentencePiece keys are UTF-8 bytes (`UInt8`); tokenizer.json keys are Unicode scalars (`UInt32`), which finds
// the same prefixes in the same order because pieces end on character boundaries.

/// A read-only trie over `Unit`s, children kept sorted in flat arrays so lookups allocate nothing.
struct UnigramTrie<Unit: FixedWidthInteger & Sendable>: Sendable {
    /// For node n, its edges are `edgeLabels[edgeStart[n]..<edgeStart[n + 1]]`, sorted.
    private let edgeStart: [Int32]
    private let edgeLabels: [Unit]
    private let edgeTargets: [Int32]
    /// The value stored at each node, or -1.
    private let values: [Int32]

    /// Builds from (key, value) pairs; a later duplicate key keeps the first value, as both references do.
    init<Keys: Sequence>(_ entries: Keys) where Keys.Element == (key: [Unit], value: Int32) {
        var children: [[(Unit, Int32)]] = [[]]
        var values: [Int32] = [-1]
        for (key, value) in entries {
            var node = 0
            for byte in key {
                // Linear search while building: a node has few children except the root, built once per model.
            if let edge = children[node].first(where: { $0.0 == byte }) {
                    node = Int(edge.1)
                } else {
                    children.append([])
                    values.append(-1)
                    children[node].append((byte, Int32(children.count - 1)))
                    node = children.count - 1
                }
            }
            if values[node] < 0 { values[node] = value }
        }
        var start: [Int32] = [0]
        var labels: [Unit] = []
        var targets: [Int32] = []
        for edges in children {
            for (label, target) in edges.sorted(by: { $0.0 < $1.0 }) {
                labels.append(label)
                targets.append(target)
            }
            start.append(Int32(labels.count))
        }
        self.edgeStart = start
        self.edgeLabels = labels
        self.edgeTargets = targets
        self.values = values
    }

    /// Calls `body(length, value)` for every stored key that is a prefix of `bytes[from...]`, shortest first.
    @inline(__always)
    func forEachPrefix(
        of bytes: UnsafeBufferPointer<Unit>, from: Int, _ body: (_ length: Int, _ value: Int32) -> Void
    ) {
        var node = 0
        var position = from
        while position < bytes.count {
            guard let next = child(of: node, label: bytes[position]) else { return }
            node = next
            position += 1
            let value = values[node]
            if value >= 0 { body(position - from, value) }
        }
    }

    @inline(__always)
    private func child(of node: Int, label: Unit) -> Int? {
        var low = Int(edgeStart[node])
        var high = Int(edgeStart[node + 1])
        while low < high {
            let mid = (low + high) >> 1
            let candidate = edgeLabels[mid]
            if candidate == label { return Int(edgeTargets[mid]) }
            if candidate < label { low = mid + 1 } else { high = mid }
        }
        return nil
    }
}
