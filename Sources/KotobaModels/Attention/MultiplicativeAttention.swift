import KotobaTensor

/// Luong's multiplicative scores and the scaled dot product.
///
/// Luong, Pham, Manning 2015, "Effective Approaches to Attention-based Neural Machine Translation", §3.1, eq. 8:
/// dot `qᵀk`, general `qᵀ W_k k`; Vaswani et al. 2017 §3.2.1: scaled `qᵀk / √d`. Kotoba's reference is `Attention`
/// in training/reference/seq2seq.py (kinds "luong_dot", "luong_general", "scaled_dot"); `W_k k` is precomputed by
/// `keys(memory:)`, so every variant scores with one matrix–vector product per query.
public struct MultiplicativeAttention: AttentionScorer {
    /// `nil` for dot products; `[H, M]` (decoder.attention.key.weight) for the general score.
    let keyWeight: Tensor?
    /// 1, or `1/√H` for the scaled dot product.
    let scale: Float
    public let querySize: Int

    /// `qᵀk`; queries and memory must have equal widths.
    package static func dot(size: Int) -> MultiplicativeAttention {
        MultiplicativeAttention(keyWeight: nil, scale: 1, querySize: size)
    }

    /// `qᵀk / √size`.
    package static func scaledDot(size: Int) -> MultiplicativeAttention {
        MultiplicativeAttention(keyWeight: nil, scale: 1 / Float(size).squareRoot(), querySize: size)
    }

    /// `qᵀ W k` with `W` `[querySize, memorySize]`.
    package static func general(keyWeight: Tensor) -> MultiplicativeAttention {
        MultiplicativeAttention(keyWeight: keyWeight, scale: 1, querySize: keyWeight.shape[0])
    }

    public func keys(memory: Tensor) -> Tensor {
        keyWeight.map { projectRows(memory, weight: $0) } ?? memory
    }

    public func scores(queries: Tensor, keys: Tensor, sources: [Int]) -> Tensor {
        let rows = queries.shape[0], length = keys.shape[1], width = querySize
        precondition(keys.shape[2] == width && queries.shape[1] == width, "dot attention widths differ")
        var out = ContiguousArray<Float>(repeating: 0, count: rows * length)
        queries.storage.withUnsafeBufferPointer { q in
            keys.storage.withUnsafeBufferPointer { k in
                out.withUnsafeMutableBufferPointer { s in
                    for n in 0..<rows {
                        BLAS.sgemv(m: length, n: width, alpha: scale, a: k.baseAddress! + sources[n] * length * width,
                                   x: q.baseAddress! + n * width, y: s.baseAddress! + n * length)
                    }
                }
            }
        }
        return Tensor(uncheckedShape: [rows, length], storage: out)
    }
}
