// SentencePiece's precompiled normalisation rules: a darts-clone double-array trie over UTF-8 keys whose values
// are offsets into a blob of NUL-terminated replacement strings.
// Format (sentencepiece v0.2.0, src/normalizer.cc, Normalizer::DecodePrecompiledCharsMap):
//   [u32 LE: trie size in bytes][trie: u32 LE units][normalized strings, each ending in NUL]
// Unit layout and traversal: darts-clone 0.32, include/darts.h (DoubleArrayImpl::commonPrefixSearch).
// The same format is read by tokenizers' Precompiled normalizer through the spm_precompiled 0.1.4 crate.

/// The double-array trie and replacement strings of a `precompiled_charsmap`.
package struct PrecompiledCharsMap: Sendable {
    private let units: [UInt32]
    private let normalized: [UInt8]

    /// One prefix of the input that has a rule: its length in bytes and where its replacement starts.
    struct Match: Equatable {
        var length: Int
        var value: Int
    }

    /// Splits and checks the blob; `path` names the file in errors.
    package init(_ blob: [UInt8], path: String) throws(TokenizerError) {
        guard blob.count >= 4 else {
            throw .invalidFile(path: path, reason: "precompiled_charsmap is \(blob.count) bytes, shorter than its header")
        }
        let trieSize = Int(blob[0]) | Int(blob[1]) << 8 | Int(blob[2]) << 16 | Int(blob[3]) << 24
        guard trieSize % 4 == 0, trieSize > 0, trieSize <= blob.count - 4 else {
            throw .invalidFile(path: path, reason: "precompiled_charsmap trie size \(trieSize) does not fit \(blob.count) bytes")
        }
        var units = [UInt32](repeating: 0, count: trieSize / 4)
        for i in units.indices {
            let o = 4 + 4 * i
            units[i] = UInt32(blob[o]) | UInt32(blob[o + 1]) << 8 | UInt32(blob[o + 2]) << 16 | UInt32(blob[o + 3]) << 24
        }
        self.units = units
        self.normalized = Array(blob[(4 + trieSize)...])
    }

    // darts-clone unit accessors.
    @inline(__always) private static func hasLeaf(_ unit: UInt32) -> Bool { (unit >> 8) & 1 == 1 }
    @inline(__always) private static func value(_ unit: UInt32) -> Int { Int(unit & 0x7FFF_FFFF) }
    @inline(__always) private static func label(_ unit: UInt32) -> UInt32 { unit & 0x8000_00FF }
    @inline(__always) private static func offset(_ unit: UInt32) -> Int {
        Int((unit >> 10) << ((unit & (1 << 9)) >> 6))
    }

    /// Every key that is a prefix of `key`, shortest first, as `commonPrefixSearch` returns them.
    /// `stopAtNUL` mirrors spm_precompiled, whose search ends at a zero byte; sentencepiece's does not.
    /// A node index outside the trie (a corrupt file) ends the search instead of reading out of bounds.
    func commonPrefixSearch(_ key: UnsafeBufferPointer<UInt8>, stopAtNUL: Bool, into results: inout [Match]) {
        results.removeAll(keepingCapacity: true)
        guard let root = units.first else { return }
        var nodePos = Self.offset(root)
        for (i, byte) in key.enumerated() {
            if stopAtNUL && byte == 0 { return }
            nodePos ^= Int(byte)
            guard nodePos < units.count else { return }
            let unit = units[nodePos]
            if Self.label(unit) != UInt32(byte) { return }
            nodePos ^= Self.offset(unit)
            guard nodePos < units.count else { return }
            if Self.hasLeaf(unit) {
                results.append(Match(length: i + 1, value: Self.value(units[nodePos])))
            }
        }
    }

    /// The replacement string stored at `value`: bytes up to the next NUL (or the blob's end).
    func replacement(at value: Int) -> ArraySlice<UInt8> {
        guard value < normalized.count else { return [] }
        var end = value
        while end < normalized.count, normalized[end] != 0 { end += 1 }
        return normalized[value..<end]
    }
}
