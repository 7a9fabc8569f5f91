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
    static func top(_ k: Int, of values: [Float]) -> [Int] {
        Array(values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }.prefix(k))
    }
}
