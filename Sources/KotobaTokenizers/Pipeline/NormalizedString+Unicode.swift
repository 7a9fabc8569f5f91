// `NormalizedString::nfd` and `lowercase` at tokenizers v0.23.3 (tokenizers/src/tokenizer/normalizer.rs).
// `tokenizers` decomposes with the `unicode-normalization-alignments` crate: each source scalar yields its full
// canonical decomposition (first scalar change 0, the rest +1), then runs of non-starters are stably sorted by
// combining class *carrying their change marks*, and `transform` aligns positionally. Kotoba builds the same
// (scalar, change) list and hands it to `transform`, so offsets follow the same positional rule.
import Foundation

extension NormalizedString {
    /// Canonical decomposition (NFD) with `tokenizers`' alignments.
    package mutating func decomposeCanonically() {
        // Below U+00C0 nothing decomposes and every combining class is 0: such text is already NFD.
        guard scalars.contains(where: { $0.value >= 0xC0 }) else { return }
        var changes: [(Unicode.Scalar, Int)] = []
        changes.reserveCapacity(scalars.count + scalars.count / 4)
        var runStart = 0  // start of the current run of non-starters in `changes`
        func append(_ d: Unicode.Scalar, change: Int) {
            if d.value < 0x300 || d.properties.canonicalCombiningClass.rawValue == 0 {
                Self.sortNonStarters(&changes, from: runStart)
                changes.append((d, change))
                runStart = changes.count
            } else {
                changes.append((d, change))
            }
        }
        for scalar in scalars {
            if scalar.value < 0xC0 || !DecompositionTable.decomposing.containsScalar(scalar) {
                append(scalar, change: 0)
            } else {
                for (k, d) in Self.canonicalDecomposition(of: scalar).enumerated() { append(d, change: k == 0 ? 0 : 1) }
            }
        }
        Self.sortNonStarters(&changes, from: runStart)
        transform(changes)
    }

    /// Rust's `char::to_lowercase` per scalar (full mapping, no context: final sigma stays σ).
    package mutating func lowercase() {
        flatMap(where: { $0.isASCII ? (0x41...0x5A).contains($0.value) : $0.properties.changesWhenLowercased }) { scalar in
            scalar.isASCII ? [Unicode.Scalar(UInt8(scalar.value + 32))] : Array(scalar.properties.lowercaseMapping.unicodeScalars)
        }
    }

    /// Stable sort of `changes[start...]` by combining class (the crate's `sort_by_key`). Short runs, the usual
    /// case, use insertion sort; long ones (hostile input: thousands of marks on one letter) sort by
    /// (class, position) so the cost stays O(n log n).
    private static func sortNonStarters(_ changes: inout [(Unicode.Scalar, Int)], from start: Int) {
        let count = changes.count - start
        guard count > 1 else { return }
        if count <= 32 {
            for i in (start + 1)..<changes.count {
                let item = changes[i]
                let ccc = item.0.properties.canonicalCombiningClass.rawValue
                var j = i
                while j > start, changes[j - 1].0.properties.canonicalCombiningClass.rawValue > ccc {
                    changes[j] = changes[j - 1]
                    j -= 1
                }
                changes[j] = item
            }
            return
        }
        let keyed = changes[start...].enumerated().map { (ccc: $1.0.properties.canonicalCombiningClass.rawValue, position: $0, item: $1) }
            .sorted { ($0.ccc, $0.position) < ($1.ccc, $1.position) }
        changes.replaceSubrange(start..., with: keyed.map(\.item))
    }

    /// The full canonical decomposition of one scalar, as `unicode-normalization-alignments` 0.1.12 has it.
    static func canonicalDecomposition(of scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        // Foundation only for the ~13k scalars that decompose there, so ASCII and CJK text never reach it.
        guard scalar.value >= 0xC0, DecompositionTable.decomposing.containsScalar(scalar) else { return [scalar] }
        return Array(String(Character(scalar)).decomposedStringWithCanonicalMapping.unicodeScalars)
    }
}
