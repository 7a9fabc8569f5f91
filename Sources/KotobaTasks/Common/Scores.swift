import Foundation

/// Turning logits into the scores pipelines report.
enum Scores {
    /// Softmax of one row, computed like `torch.softmax` / the pipelines' numpy `softmax` (max subtracted).
    static func softmax(_ logits: ArraySlice<Float>) -> [Float] {
        let peak = logits.max() ?? 0
        let exps = logits.map { expf($0 - peak) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }

    /// The logistic sigmoid of each value.
    static func sigmoid(_ logits: ArraySlice<Float>) -> [Float] {
        logits.map { 1 / (1 + expf(-$0)) }
    }

    /// Indices of the `k` largest values, largest first, lower index first among equals (as a stable sort).
    ///
    /// A few out of a vocabulary (fill-mask's top 5 of 30,522) are selected in one pass that keeps the best `k` in
    /// order; sorting the whole vocabulary took a quarter of a short fill-mask request.
    static func top(_ k: Int, of values: [Float]) -> [Int] {
        let k = min(max(k, 0), values.count)
        guard k > 0 else { return [] }
        guard k * 16 < values.count else {
            return Array(values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }.prefix(k))
        }
        var best: [Int] = []
        best.reserveCapacity(k + 1)
        for index in values.indices {
            let value = values[index]
            // Indices arrive in increasing order, so an equal value never displaces one already kept.
            if best.count == k, !(value > values[best[k - 1]]) { continue }
            var low = 0, high = best.count
            while low < high {
                let middle = (low + high) / 2
                if values[best[middle]] >= value { low = middle + 1 } else { high = middle }
            }
            best.insert(index, at: low)
            if best.count > k { best.removeLast() }
        }
        return best
    }
}
