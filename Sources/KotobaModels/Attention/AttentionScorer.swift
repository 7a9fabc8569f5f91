import KotobaTensor

/// A score function of global (Luong) attention: one score per query and source position.
///
/// Keys are whatever the function can precompute from the encoder memory once per source batch (a projection for
/// additive and general scores, the memory itself for dot products), so each decoding step only touches queries.
public protocol AttentionScorer: Sendable {
    /// Width of a query vector (the decoder's hidden size).
    var querySize: Int { get }
    /// Per-source precomputation: memory `[B, S, M]` → keys `[B, S, K]`.
    func keys(memory: Tensor) -> Tensor
    /// Scores `[N, S]` of queries `[N, querySize]`; row `n` is scored against `keys[sources[n]]`.
    func scores(queries: Tensor, keys: Tensor, sources: [Int]) -> Tensor
}

/// Row-wise `x · Wᵀ (+ b)` for a `[rows, in]` tensor and a PyTorch `nn.Linear` weight `[out, in]`.
func projectRows(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
    let rows = x.count / weight.shape[1], outSize = weight.shape[0]
    precondition(x.count == rows * weight.shape[1], "projectRows: \(x.shape) × \(weight.shape)")
    var out = ContiguousArray<Float>(repeating: 0, count: rows * outSize)
    out.withUnsafeMutableBufferPointer { y in
        if let bias {
            bias.storage.withUnsafeBufferPointer { b in
                for r in 0..<rows { (y.baseAddress! + r * outSize).update(from: b.baseAddress!, count: outSize) }
            }
        }
        x.storage.withUnsafeBufferPointer { a in
            weight.storage.withUnsafeBufferPointer { w in
                BLAS.sgemm(transposeB: true, m: rows, n: outSize, k: weight.shape[1], a: a.baseAddress!,
                           b: w.baseAddress!, beta: bias == nil ? 0 : 1, c: y.baseAddress!)
            }
        }
    }
    return Tensor(uncheckedShape: Array(x.shape.dropLast()) + [outSize], storage: out)
}
