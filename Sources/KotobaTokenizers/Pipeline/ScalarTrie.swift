/// A trie over Unicode scalars mapping each inserted key to a value. Keys compare scalar by scalar
/// (Rust `&str` equality), not by Swift's canonical equivalence. Edges live in one hash table keyed by
/// (node, scalar), so a 30k-entry vocabulary costs one small allocation per table, not per node.
struct ScalarTrie: Sendable {
    private var edges: [UInt64: Int32] = [:]
    private var values: [Int32] = [-1]

    var nodeCount: Int { values.count }

    /// Inserts `key` with `value`, replacing any previous value (the last insertion wins, like a Rust HashMap).
    mutating func insert<Key: Sequence<Unicode.Scalar>>(_ key: Key, value: Int) {
        var node: Int32 = 0
        for scalar in key {
            let edge = UInt64(UInt32(node)) << 21 | UInt64(scalar.value)
            if let child = edges[edge] {
                node = child
            } else {
                let child = Int32(values.count)
                values.append(-1)
                edges[edge] = child
                node = child
            }
        }
        values[Int(node)] = Int32(value)
    }

    /// The value stored for exactly `key`.
    func value<Key: Sequence<Unicode.Scalar>>(for key: Key) -> Int? {
        var node: Int32 = 0
        for scalar in key {
            guard let child = edges[UInt64(UInt32(node)) << 21 | UInt64(scalar.value)] else { return nil }
            node = child
        }
        let v = values[Int(node)]
        return v < 0 ? nil : Int(v)
    }

    /// The longest key that is a prefix of `scalars[start..<end]`: its end index and value.
    func longestPrefix(of scalars: [Unicode.Scalar], from start: Int, to end: Int) -> (end: Int, value: Int)? {
        longestPrefix(after: 0, of: scalars, from: start, to: end)
    }

    /// The node reached from the root by `prefix`, to continue walks from (see `longestPrefix(after:)`).
    func node<Key: Sequence<Unicode.Scalar>>(after prefix: Key) -> Int32? {
        var node: Int32 = 0
        for scalar in prefix {
            guard let child = edges[UInt64(UInt32(node)) << 21 | UInt64(scalar.value)] else { return nil }
            node = child
        }
        return node
    }

    /// Like `longestPrefix(of:from:to:)` but starting the walk at `root` (a node returned by `node(after:)`).
    func longestPrefix(after root: Int32, of scalars: [Unicode.Scalar], from start: Int, to end: Int) -> (end: Int, value: Int)? {
        var node = root
        var best: (end: Int, value: Int)?
        var i = start
        while i < end {
            guard let child = edges[UInt64(UInt32(node)) << 21 | UInt64(scalars[i].value)] else { break }
            node = child
            i += 1
            let v = values[Int(node)]
            if v >= 0 { best = (i, Int(v)) }
        }
        return best
    }
}
