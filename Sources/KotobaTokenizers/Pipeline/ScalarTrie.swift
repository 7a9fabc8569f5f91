/// A trie over Unicode scalars mapping each inserted key to a value. Keys compare scalar by scalar
/// (Rust `&str` equality), not by Swift's canonical equivalence. Edges live in one open-addressing table keyed
/// by (node, scalar) with a multiplicative hash: a 30k-entry vocabulary is two flat arrays, and a step down the
/// trie is one multiply and usually one probe (Swift's `Dictionary` spends most of a step in SipHash).
struct ScalarTrie: Sendable {
    private static let empty = UInt64.max
    private var keys: [UInt64]
    private var children: [Int32]
    private var mask: Int
    private var edgeCount = 0
    /// Per node, the value of the key ending there or -1. `Int`, not `Int32`: ids come from model files, and a
    /// file may hold any integer (the tokenizer-json fuzz target found the crash an id past 2^31 caused).
    private var values: [Int] = [-1]

    init() {
        keys = Array(repeating: Self.empty, count: 16)
        children = Array(repeating: -1, count: 16)
        mask = 15
    }

    var nodeCount: Int { values.count }

    @inline(__always) private static func edge(_ node: Int32, _ scalar: Unicode.Scalar) -> UInt64 {
        UInt64(UInt32(bitPattern: node)) << 21 | UInt64(scalar.value)
    }

    @inline(__always) private func slot(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// The child of `node` along `scalar`, or -1.
    @inline(__always) func child(_ node: Int32, _ scalar: Unicode.Scalar) -> Int32 {
        let key = Self.edge(node, scalar)
        var i = slot(key)
        while true {
            let k = keys[i]
            if k == key { return children[i] }
            if k == Self.empty { return -1 }
            i = (i + 1) & mask
        }
    }

    private mutating func insertEdge(_ key: UInt64, _ child: Int32) {
        if (edgeCount + 1) * 4 > keys.count * 3 { grow() }
        var i = slot(key)
        while keys[i] != Self.empty { i = (i + 1) & mask }
        keys[i] = key
        children[i] = child
        edgeCount += 1
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldChildren = children
        keys = Array(repeating: Self.empty, count: oldKeys.count * 2)
        children = Array(repeating: -1, count: oldKeys.count * 2)
        mask = keys.count - 1
        edgeCount = 0
        for (k, c) in zip(oldKeys, oldChildren) where k != Self.empty { insertEdge(k, c) }
    }

    /// Inserts `key` with `value`, replacing any previous value (the last insertion wins, like a Rust HashMap).
    mutating func insert<Key: Sequence<Unicode.Scalar>>(_ key: Key, value: Int) {
        var node: Int32 = 0
        for scalar in key {
            let next = child(node, scalar)
            if next >= 0 {
                node = next
            } else {
                let created = Int32(values.count)
                values.append(-1)
                insertEdge(Self.edge(node, scalar), created)
                node = created
            }
        }
        values[Int(node)] = value
    }

    /// The value stored for exactly `key`.
    func value<Key: Sequence<Unicode.Scalar>>(for key: Key) -> Int? {
        guard let node = node(after: key) else { return nil }
        let v = values[Int(node)]
        return v < 0 ? nil : v
    }

    /// The node reached from the root by `prefix`, to continue walks from (see `longestPrefix(after:)`).
    func node<Key: Sequence<Unicode.Scalar>>(after prefix: Key) -> Int32? {
        var node: Int32 = 0
        for scalar in prefix {
            node = child(node, scalar)
            if node < 0 { return nil }
        }
        return node
    }

    /// The longest key that is a prefix of `scalars[start..<end]`: its end index and value.
    func longestPrefix(of scalars: [Unicode.Scalar], from start: Int, to end: Int) -> (end: Int, value: Int)? {
        longestPrefix(after: 0, of: scalars, from: start, to: end)
    }

    /// Like `longestPrefix(of:from:to:)` but starting the walk at `root` (a node returned by `node(after:)`).
    func longestPrefix(after root: Int32, of scalars: [Unicode.Scalar], from start: Int, to end: Int) -> (end: Int, value: Int)? {
        var node = root
        var best: (end: Int, value: Int)?
        var i = start
        while i < end {
            node = child(node, scalars[i])
            if node < 0 { break }
            i += 1
            let v = values[Int(node)]
            if v >= 0 { best = (i, v) }
        }
        return best
    }
}
