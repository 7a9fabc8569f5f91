import KotobaTensor

/// Scaled dot-product attention over several heads (Vaswani et al., 2017, §3.2.2).
///
/// Heads are never split into their own tensors: `Tensor.headScores` and `Tensor.headContext` read each head's
/// column block of the `[B, S, H·D]` projections in place, which is what transformers' `view(...).transpose(1, 2)`
/// expresses without the copy `contiguous()` later makes.
public struct MultiHeadAttention: Sendable {
    /// `W_Q`, `[H·D, hidden]`.
    public let query: Linear
    /// `W_K`, `[H·D, hidden]`.
    public let key: Linear
    /// `W_V`, `[H·D, hidden]`.
    public let value: Linear
    /// `W_O`, `[hidden, H·D]`.
    public let output: Linear
    /// Number of heads `H`.
    public let heads: Int

    /// Attention over the given projections; `heads` must divide their width.
    public init(query: Linear, key: Linear, value: Linear, output: Linear, heads: Int) {
        precondition(heads > 0 && query.outFeatures % heads == 0, "\(heads) heads do not divide \(query.outFeatures)")
        self.query = query
        self.key = key
        self.value = value
        self.output = output
        self.heads = heads
    }

    /// Self-attention: `[B, S, hidden]` with an additive mask broadcasting to `[B, H, S, S]` → `[B, S, hidden]`.
    public func callAsFunction(_ x: Tensor, mask: Tensor?) throws(TensorError) -> Tensor {
        try attend(x, to: x, mask: mask)
    }

    /// Attention of `x` `[B, Sq, hidden]` over `memory` `[B, Sk, hidden]` → `[B, Sq, hidden]`.
    public func attend(_ x: Tensor, to memory: Tensor, mask: Tensor?) throws(TensorError) -> Tensor {
        let q = try query(x)                       // [B, Sq, H·D]
        let k = try key(memory)                    // [B, Sk, H·D]
        let v = try value(memory)                  // [B, Sk, H·D]
        let headDim = q.shape[2] / heads
        var scores = try Tensor.headScores(query: q, key: k, heads: heads,
                                           scale: 1 / Float(headDim).squareRoot())   // [B, H, Sq, Sk]
        try scores.formSoftmax(additiveMask: mask)
        let context = try Tensor.headContext(probabilities: scores, value: v)        // [B, Sq, H·D]
        return try output(context)                                                   // [B, Sq, hidden]
    }
}
