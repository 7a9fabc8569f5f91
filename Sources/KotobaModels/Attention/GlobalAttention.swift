import Foundation
import KotobaTensor

/// An encoded source batch as attention sees it: the memory, its precomputed keys and each source's true length.
public struct AttentionMemory: Sendable {
    /// Encoder outputs `[B, S, M]`, zero past each length.
    public let memory: Tensor
    /// `scorer.keys(memory:)`, `[B, S, K]`.
    public let keys: Tensor
    /// True length of each source; positions at or past it get zero weight.
    public let lengths: [Int]

    /// Number of sources.
    public var batch: Int { memory.shape[0] }
    /// Padded source length `S`.
    public var sourceLength: Int { memory.shape[1] }
    /// Memory width `M`.
    public var memorySize: Int { memory.shape[2] }
}

/// Global attention (Luong et al. 2015 §3.1): scores → softmax over real source positions → weighted sum of memory.
public struct GlobalAttention: Sendable {
    /// The score function.
    public let scorer: any AttentionScorer

    /// Attention with the given score function.
    public init(scorer: any AttentionScorer) { self.scorer = scorer }

    /// Precomputes the keys of an encoded batch, once per encode.
    public func prepare(memory: Tensor, lengths: [Int]) -> AttentionMemory {
        AttentionMemory(memory: memory, keys: scorer.keys(memory: memory), lengths: lengths)
    }

    /// queries `[N, H]`, row `n` attending to source `sources[n]` → context `[N, M]` and weights `[N, S]`.
    ///
    /// Padded positions are excluded from the softmax, which is what the reference's `-inf` fill gives: their weight
    /// is exactly 0 and the real positions' weights sum to 1.
    public func attend(queries: Tensor, memory: AttentionMemory, sources: [Int]) -> (context: Tensor, weights: Tensor) {
        var weights = scorer.scores(queries: queries, keys: memory.keys, sources: sources)
        let rows = queries.shape[0], length = memory.sourceLength, width = memory.memorySize
        var context = ContiguousArray<Float>(repeating: 0, count: rows * width)
        weights.storage.withUnsafeMutableBufferPointer { w in
            for n in 0..<rows {
                maskedSoftmax(w.baseAddress! + n * length, count: length, valid: memory.lengths[sources[n]])
            }
            memory.memory.storage.withUnsafeBufferPointer { m in
                context.withUnsafeMutableBufferPointer { c in
                    for n in 0..<rows {
                        // context = weightsᵀ · memory[source]: [S] × [S, M] → [M]
                        BLAS.sgemv(transpose: true, m: length, n: width, a: m.baseAddress! + sources[n] * length * width,
                                   x: w.baseAddress! + n * length, y: c.baseAddress! + n * width)
                    }
                }
            }
        }
        return (Tensor(uncheckedShape: [rows, width], storage: context), weights)
    }
}

/// In-place softmax over the first `valid` of `count` values; the rest become 0.
func maskedSoftmax(_ x: UnsafeMutablePointer<Float>, count: Int, valid: Int) {
    var peak = -Float.infinity
    for i in 0..<valid { peak = max(peak, x[i]) }
    var total: Float = 0
    for i in 0..<valid {
        x[i] = expf(x[i] - peak)
        total += x[i]
    }
    for i in 0..<valid { x[i] /= total }
    for i in valid..<count { x[i] = 0 }
}
