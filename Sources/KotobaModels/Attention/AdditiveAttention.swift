import Foundation
import KotobaTensor

/// Bahdanau additive score `score(q, k) = vᵀ tanh(W_q q + b_q + W_k k)`.
///
/// Bahdanau, Cho, Bengio 2015, "Neural Machine Translation by Jointly Learning to Align and Translate", appendix
/// A.1.2; Kotoba's reference is `Attention` (kind "bahdanau") in training/reference/seq2seq.py. `W_k k` is computed
/// once per source batch by `keys(memory:)`.
public struct AdditiveAttention: AttentionScorer {
    let queryWeight: Tensor  // [A, H]   decoder.attention.query.weight
    let queryBias: Tensor  // [A]        decoder.attention.query.bias
    let keyWeight: Tensor  // [A, M]     decoder.attention.key.weight
    let v: Tensor  // [1, A]             decoder.attention.v.weight

    /// An additive scorer from its weights (shapes checked by the loader).
    package init(queryWeight: Tensor, queryBias: Tensor, keyWeight: Tensor, v: Tensor) {
        precondition(queryWeight.shape[0] == keyWeight.shape[0] && v.count == keyWeight.shape[0]
                     && queryBias.count == queryWeight.shape[0], "additive attention weights inconsistent")
        self.queryWeight = queryWeight
        self.queryBias = queryBias
        self.keyWeight = keyWeight
        self.v = v
    }

    public var querySize: Int { queryWeight.shape[1] }

    public func keys(memory: Tensor) -> Tensor { projectRows(memory, weight: keyWeight) }

    public func scores(queries: Tensor, keys: Tensor, sources: [Int]) -> Tensor {
        let rows = queries.shape[0], length = keys.shape[1], inner = keyWeight.shape[0]
        let projected = projectRows(queries, weight: queryWeight, bias: queryBias)  // [N, A]
        var out = ContiguousArray<Float>(repeating: 0, count: rows * length)
        projected.storage.withUnsafeBufferPointer { q in
            keys.storage.withUnsafeBufferPointer { k in
                v.storage.withUnsafeBufferPointer { v in
                    out.withUnsafeMutableBufferPointer { s in
                        for n in 0..<rows {
                            let qRow = q.baseAddress! + n * inner
                            for position in 0..<length {
                                let kRow = k.baseAddress! + (sources[n] * length + position) * inner
                                var total: Float = 0
                                for a in 0..<inner { total += v[a] * tanhf(qRow[a] + kRow[a]) }
                                s[n * length + position] = total
                            }
                        }
                    }
                }
            }
        }
        return Tensor(uncheckedShape: [rows, length], storage: out)
    }
}
