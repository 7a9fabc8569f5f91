/// One entry of a top-k selection: where it was and what it held.
public struct IndexedValue: Sendable, Equatable {
    /// Position along the reduced axis.
    public var index: Int
    /// The value there.
    public var value: Float

    /// An entry at `index` holding `value`.
    public init(index: Int, value: Float) {
        self.index = index
        self.value = value
    }
}

extension Tensor {
    /// The `k` largest entries of each last-axis row, largest first; equal values keep the lower index first.
    ///
    /// Returns one array per row (`count / lastDimension` rows). `k` is clamped to the row width. The selection
    /// keeps a sorted buffer of `k` entries, `O(n·k)`, which beats a full sort for the small `k` tasks ask for.
    public func topK(_ k: Int) -> [[IndexedValue]] {
        guard rank >= 1, let width = shape.last, width > 0 else { return [] }
        let keep = Swift.max(0, Swift.min(k, width))
        let rows = count / width
        var result: [[IndexedValue]] = []
        result.reserveCapacity(rows)
        storage.withUnsafeBufferPointer { values in
            for r in 0..<rows {
                var best: [IndexedValue] = []
                best.reserveCapacity(keep + 1)
                for i in 0..<width {
                    let v = values[r * width + i]
                    // NaN never enters: it compares false with everything and would break the ordering.
                    guard keep > 0, !v.isNaN else { continue }
                    if best.count == keep, let last = best.last, !(v > last.value) { continue }
                    var position = best.count
                    while position > 0 && v > best[position - 1].value { position -= 1 }
                    best.insert(IndexedValue(index: i, value: v), at: position)
                    if best.count > keep { best.removeLast() }
                }
                result.append(best)
            }
        }
        return result
    }

    /// Index of the largest entry of each last-axis row (the lowest index among equals).
    public func argmax() -> [Int] {
        topK(1).map { $0.first?.index ?? 0 }
    }
}
