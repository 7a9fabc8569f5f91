import KotobaTensor

/// The post-norm transformer encoder block that BERT and DistilBERT share.
///
/// `h = LN₁(x + Attention(x))`, then `LN₂(h + FFN(h))` — the residual is added before each norm, as in the
/// original Transformer (Vaswani et al., 2017, §3.1) and transformers' `BertLayer` / DistilBERT's
/// `TransformerBlock`. The two architectures differ only in key names, which their loaders supply.
public struct PostNormEncoderLayer: Sendable {
    /// Self-attention sub-layer.
    public let attention: MultiHeadAttention
    /// Norm after the attention residual (`attention.output.LayerNorm` / `sa_layer_norm`).
    public let attentionNorm: LayerNorm
    /// Feed-forward sub-layer.
    public let feedForward: FeedForward
    /// Norm after the feed-forward residual (`output.LayerNorm` / `output_layer_norm`).
    public let outputNorm: LayerNorm

    /// A layer over the given sub-layers, the feed-forward projections packed in panels (`Linear.packedInPanels()`,
    /// as the attention packs its own): short inputs run at about twice the speed of the dot-product kernel, and
    /// batches of 1,024 rows level with `sgemm`.
    public init(attention: MultiHeadAttention, attentionNorm: LayerNorm, feedForward: FeedForward, outputNorm: LayerNorm) {
        self.attention = attention
        self.attentionNorm = attentionNorm
        self.feedForward = FeedForward(up: feedForward.up.packedInPanels(), down: feedForward.down.packedInPanels(),
                                       activation: feedForward.activation)
        self.outputNorm = outputNorm
    }

    /// `[B, S, hidden]` → `[B, S, hidden]`; `mask` is additive, `[B, 1, 1, S]`.
    public func callAsFunction(_ x: Tensor, mask: Tensor?) throws(TensorError) -> Tensor {
        var h = try attention(x, mask: mask)
        try h.add(x)
        try attentionNorm.apply(&h)
        var out = try feedForward(h)
        try out.add(h)
        try outputNorm.apply(&out)
        return out
    }
}
