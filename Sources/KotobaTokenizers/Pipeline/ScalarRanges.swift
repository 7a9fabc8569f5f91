/// Sorted, disjoint code-point ranges: the form of the generated Unicode tables.
extension [ClosedRange<UInt32>] {
    /// Binary search in sorted, disjoint ranges.
    func containsScalar(_ c: Unicode.Scalar) -> Bool {
        var low = 0
        var high = count
        while low < high {
            let mid = (low + high) / 2
            if self[mid].upperBound < c.value {
                low = mid + 1
            } else if self[mid].lowerBound > c.value {
                high = mid
            } else {
                return true
            }
        }
        return false
    }
}
