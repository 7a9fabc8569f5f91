import KotobaTensor

/// Scaled dot-product attention over several heads (Vaswani et al., 2017, §3.2.2).
///
/// Heads are never split into their own tensors: `Tensor.headScores` and `Tensor.headContext` read each head's
/// column block of the `[B, S, H·D]` projections in place, which is what transformers' `view(...).transpose(1, 2)`
/// expresses without the copy `contiguous()` later makes.
public struct MultiHeadAttention: Sendable {
    /// `W_Q`, `W_K` and `W_V` stacked, `[3·H·D, hidden]`, packed in panels: the three projections of a token
    /// are one product, read per head in place from the `[B, S, 3·H·D]` result.
    public let queryKeyValue: Linear
    /// `W_O`, `[hidden, H·D]`, packed in panels.
    public let output: Linear
    /// Number of heads `H`.
    public let heads: Int

    /// Self-attention over the given projections (stacked and packed here); `heads` must divide their width.
    public init(query: Linear, key: Linear, value: Linear, output: Linear, heads: Int) {
        precondition(heads > 0 && query.outFeatures % heads == 0, "\(heads) heads do not divide \(query.outFeatures)")
        precondition(key.outFeatures == query.outFeatures && value.outFeatures == query.outFeatures,
                     "query, key and value projections of different widths")
        queryKeyValue = Linear(stacking: [query, key, value]).packedInPanels()
        self.output = output.packedInPanels()
        self.heads = heads
    }

    /// Self-attention: `[B, S, hidden]` with an additive mask broadcasting to `[B, H, S, S]` → `[B, S, hidden]`.
    public func callAsFunction(_ x: Tensor, mask: Tensor?) throws(TensorError) -> Tensor {
        let qkv = try queryKeyValue(x)                                                   // [B, S, 3·H·D]
        let headDim = qkv.shape[2] / (3 * heads)
        var scores = try Tensor.headScores(stacked: qkv, heads: heads,
                                           scale: 1 / Float(headDim).squareRoot())         // [B, H, S, S]
        try scores.formSoftmax(additiveMask: mask)
        let context = try Tensor.headContext(probabilities: scores, stacked: qkv)          // [B, S, H·D]
        return try output(context)                                                       // [B, S, hidden]
    }
}
