/// A half-open span `[start, end)` counted in Unicode scalars (code points) of the original input,
/// the unit `tokenizers`' Python `Encoding.offsets` uses. A plain struct rather than `Range<Int>`
/// because alignments after some normalizations are not monotonic and must not trap.
public struct Offsets: Sendable, Hashable, CustomStringConvertible {
    public var start: Int
    public var end: Int

    public init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = end
    }

    /// The (0, 0) span `tokenizers` gives special and padding tokens.
    public static let none = Offsets(0, 0)

    public var description: String { "(\(start), \(end))" }
}
