// Mirrors tokenizers/src/tokenizer/normalizer.rs (NormalizedString) at tokenizers v0.23.3
// (https://github.com/huggingface/tokenizers/blob/v0.23.3/tokenizers/src/tokenizer/normalizer.rs).
// `tokenizers` aligns every normalized *byte* to a byte range of the original and converts to char
// offsets at the end; every byte of one char shares its char's alignment there, so aligning each
// normalized *scalar* to a scalar range of the original gives the same offsets without the conversion.

/// Text being normalized, with each normalized scalar aligned to the span of the original it came from.
///
/// Alignments are absolute scalar offsets into the whole input, so a slice keeps them unchanged
/// (`tokenizers` stores slice-relative alignments plus an `original_shift`; the sum is the same).
package struct NormalizedString: Sendable, Equatable {
    /// The normalized scalars.
    package private(set) var scalars: [Unicode.Scalar]
    /// For each normalized scalar, the span of the original input it comes from.
    package private(set) var alignments: [Offsets]
    /// The span of the original input this string covers (`original_shift ..< + len(original)`).
    package private(set) var originalSpan: Offsets

    /// A fresh string over `scalars`, which start at scalar `offset` of the whole input.
    package init(_ scalars: [Unicode.Scalar], startingAt offset: Int = 0) {
        self.scalars = scalars
        self.alignments = (0..<scalars.count).map { Offsets(offset + $0, offset + $0 + 1) }
        self.originalSpan = Offsets(offset, offset + scalars.count)
    }

    package init(_ text: String) { self.init(Array(text.unicodeScalars)) }

    init(scalars: [Unicode.Scalar], alignments: [Offsets], originalSpan: Offsets) {
        precondition(scalars.count == alignments.count, "one alignment per normalized scalar")
        self.scalars = scalars
        self.alignments = alignments
        self.originalSpan = originalSpan
    }

    package var isEmpty: Bool { scalars.isEmpty }
    package var count: Int { scalars.count }
    /// The normalized text.
    package var string: String { String(String.UnicodeScalarView(scalars)) }

    /// Replaces the whole normalized text by `changes`, as `NormalizedString::transform` does: each item is a
    /// new scalar and how it relates to the old ones. `change == 0` replaces the next old scalar (and takes its
    /// alignment); `change == +1` inserts a scalar, aligned like the old scalar just before it; `change == -n`
    /// replaces the next old scalar and then removes `n` more. `initialRemoved` old scalars are dropped first.
    package mutating func transform(_ changes: [(Unicode.Scalar, Int)], initialRemoved: Int = 0) {
        var offset = initialRemoved
        var newScalars: [Unicode.Scalar] = []
        var newAlignments: [Offsets] = []
        newScalars.reserveCapacity(changes.count)
        newAlignments.reserveCapacity(changes.count)
        for (scalar, change) in changes {
            let alignment: Offsets
            if change > 0 {
                alignment = offset < 1 ? Offsets(originalSpan.start, originalSpan.start) : alignments[offset - 1]
            } else {
                precondition(offset < alignments.count, "transform replaces past the end")
                alignment = alignments[offset]
                offset += 1
                if change < 0 { offset += -change }
            }
            newScalars.append(scalar)
            newAlignments.append(alignment)
        }
        scalars = newScalars
        alignments = newAlignments
    }

    /// Keeps the scalars for which `keep` is true; kept scalars keep their alignment (`NormalizedString::filter`).
    package mutating func filter(_ keep: (Unicode.Scalar) -> Bool) {
        var newScalars: [Unicode.Scalar] = []
        var newAlignments: [Offsets] = []
        newScalars.reserveCapacity(scalars.count)
        newAlignments.reserveCapacity(scalars.count)
        for (scalar, alignment) in zip(scalars, alignments) where keep(scalar) {
            newScalars.append(scalar)
            newAlignments.append(alignment)
        }
        scalars = newScalars
        alignments = newAlignments
    }

    /// Replaces each scalar by one scalar; alignments are unchanged (`NormalizedString::map`).
    package mutating func map(_ transform: (Unicode.Scalar) -> Unicode.Scalar) {
        for i in scalars.indices { scalars[i] = transform(scalars[i]) }
    }

    /// Replaces each scalar by zero or more scalars; the first replacement takes the scalar's alignment and the
    /// others are inserted after it (so share it), which is what `tokenizers` builds for `lowercase`, `nfd`, etc.
    package mutating func flatMap(_ expand: (Unicode.Scalar) -> [Unicode.Scalar]) {
        var newScalars: [Unicode.Scalar] = []
        var newAlignments: [Offsets] = []
        newScalars.reserveCapacity(scalars.count)
        newAlignments.reserveCapacity(scalars.count)
        for (scalar, alignment) in zip(scalars, alignments) {
            for replacement in expand(scalar) {
                newScalars.append(replacement)
                newAlignments.append(alignment)
            }
        }
        scalars = newScalars
        alignments = newAlignments
    }

    /// `flatMap` for the scalars where `applies` is true; the others are copied as they are, so text that
    /// needs no change costs one scan and no allocation.
    package mutating func flatMap(where applies: (Unicode.Scalar) -> Bool, _ expand: (Unicode.Scalar) -> [Unicode.Scalar]) {
        guard let first = scalars.firstIndex(where: applies) else { return }
        var newScalars = Array(scalars[..<first])
        var newAlignments = Array(alignments[..<first])
        newScalars.reserveCapacity(scalars.count + 8)
        newAlignments.reserveCapacity(scalars.count + 8)
        for i in first..<scalars.count {
            let scalar = scalars[i]
            if applies(scalar) {
                for replacement in expand(scalar) {
                    newScalars.append(replacement)
                    newAlignments.append(alignments[i])
                }
            } else {
                newScalars.append(scalar)
                newAlignments.append(alignments[i])
            }
        }
        scalars = newScalars
        alignments = newAlignments
    }

    /// Inserts `text` before the first scalar, aligned with it (`NormalizedString::prepend`); no-op when empty.
    package mutating func prepend(_ text: [Unicode.Scalar]) {
        guard let first = alignments.first, !text.isEmpty else { return }
        scalars.insert(contentsOf: text, at: 0)
        alignments.insert(contentsOf: repeatElement(first, count: text.count), at: 0)
    }

    /// Inserts `text` after the last scalar, aligned with it (`NormalizedString::append`); no-op when empty.
    package mutating func append(_ text: [Unicode.Scalar]) {
        guard let last = alignments.last, !text.isEmpty else { return }
        scalars.append(contentsOf: text)
        alignments.append(contentsOf: repeatElement(last, count: text.count))
    }

    /// The original span of normalized scalars `range` (`convert_offsets(Range::Normalized)`): from the first
    /// alignment's start to the last one's end. An empty range maps to the original position of its start.
    package func originalOffsets(of range: Range<Int>) -> Offsets {
        if range.isEmpty {
            if range.lowerBound < alignments.count { return Offsets(alignments[range.lowerBound].start, alignments[range.lowerBound].start) }
            return Offsets(originalSpan.end, originalSpan.end)
        }
        return Offsets(alignments[range.lowerBound].start, alignments[range.upperBound - 1].end)
    }

    /// The part of this string covering normalized scalars `range` (`NormalizedString::slice`).
    package func slice(_ range: Range<Int>) -> NormalizedString {
        NormalizedString(scalars: Array(scalars[range]), alignments: Array(alignments[range]),
                         originalSpan: originalOffsets(of: range))
    }
}
