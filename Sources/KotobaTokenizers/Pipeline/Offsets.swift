/// A half-open span `[start, end)` counted in Unicode scalars (code points) of the original input,
/// the unit `tokenizers`' Python `Encoding.offsets` uses. A plain struct rather than `Range<Int>`
/// because alignments after some normalizations are not monotonic and must not trap.
package struct Offsets: Sendable, Hashable, CustomStringConvertible {
    package var start: Int
    package var end: Int

    package init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = end
    }

    /// The (0, 0) span `tokenizers` gives special and padding tokens.
    package static let none = Offsets(0, 0)

    package var description: String { "(\(start), \(end))" }
}
