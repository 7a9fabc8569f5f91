// The Marian encoder: token embedding · sqrt(d_model) (when scale_embedding) + sinusoidal positions, then
// post-norm self-attention / feed-forward layers (Vaswani et al. 2017 §3.1).
// Reference: transformers 5.24.0, models/marian/modeling_marian.py, `MarianEncoderLayer` and `MarianEncoder.forward`.
import KotobaTensor

/// Source sentences right-padded to one length, with the key mask that hides the padding.
public struct MarianSourceBatch: Sendable {
    /// Number of sentences `B`.
    public let count: Int
    /// Padded length `S`.
    public let length: Int
    /// Each sentence's own length.
    public let lengths: [Int]
    /// `[B, S]` token ids, `pad_token_id` past each length.
    let ids: [Int]
    /// `[B, S]`: 0 for real tokens, -inf for padding.
    let keyMask: ContiguousArray<Float>

    /// Pads `sentences` (token ids, EOS included as MarianTokenizer adds it) on the right.
    public init(_ sentences: [[Int]], config: MarianConfig) throws(ModelError) {
        guard !sentences.isEmpty else { throw .invalidInput("no source sentences") }
        let length = sentences.map(\.count).max() ?? 0
        for (index, sentence) in sentences.enumerated() {
            guard !sentence.isEmpty else { throw .invalidInput("source sentence \(index) is empty") }
            guard sentence.count <= config.maxPositions else {
                throw .invalidInput("source sentence \(index) has \(sentence.count) tokens; "
                    + "max_position_embeddings is \(config.maxPositions)")
            }
            if let bad = sentence.first(where: { $0 < 0 || $0 >= config.vocabSize }) {
                throw .invalidInput("source sentence \(index): token id \(bad) outside vocabulary of \(config.vocabSize)")
            }
        }
        var ids = [Int](repeating: config.padTokenId, count: sentences.count * length)
        var mask = ContiguousArray<Float>(repeating: -.infinity, count: sentences.count * length)
        for (b, sentence) in sentences.enumerated() {
            for (s, id) in sentence.enumerated() {
                ids[b * length + s] = id
                mask[b * length + s] = 0
            }
        }
        self.count = sentences.count
        self.length = length
        self.lengths = sentences.map(\.count)
        self.ids = ids
        self.keyMask = mask
    }
}

/// The encoder's output for a source batch: `[B, S, d_model]` plus the mask the decoder's cross-attention needs.
public struct MarianEncoderOutput: Sendable {
    /// The batch this encodes.
    public let source: MarianSourceBatch
    /// `[B, S, d_model]`, row-major (padding positions included, as transformers computes them).
    public let hidden: ContiguousArray<Float>
}

/// `MarianEncoderLayer`: self-attention and feed-forward, each followed by residual add and LayerNorm.
struct MarianEncoderLayer: Sendable {
    let selfAttention: MarianAttention
    let selfAttentionNorm: LayerNorm
    let fc1: Linear
    let fc2: Linear
    let finalNorm: LayerNorm

    init(_ weights: WeightStore, config: MarianConfig) throws(ModelError) {
        let d = config.hiddenSize
        selfAttention = try MarianAttention(weights.scoped("self_attn"), hidden: d, heads: config.encoderHeads,
                                            cross: false)
        selfAttentionNorm = try weights.layerNorm("self_attn_layer_norm", width: d, epsilon: 1e-5)
        fc1 = try weights.linear("fc1", in: d, out: config.encoderFFNSize)
        fc2 = try weights.linear("fc2", in: config.encoderFFNSize, out: d)
        finalNorm = try weights.layerNorm("final_layer_norm", width: d, epsilon: 1e-5)
    }
}

/// `MarianEncoder`: embeds a padded source batch and runs every encoder layer over it.
public struct MarianEncoder: Sendable {
    let config: MarianConfig
    /// `[vocab_size, d_model]`: `model.shared` (or `model.encoder.embed_tokens` when not shared).
    let embedding: ContiguousArray<Float>
    let positions: SinusoidalPositions
    let layers: [MarianEncoderLayer]

    init(_ weights: WeightStore, embedding: ContiguousArray<Float>, config: MarianConfig) throws(ModelError) {
        self.config = config
        self.embedding = embedding
        positions = SinusoidalPositions(count: config.maxPositions, size: config.hiddenSize)
        layers = try (0..<config.encoderLayers).map { (i) throws(ModelError) in
            try MarianEncoderLayer(weights.scoped("layers.\(i)"), config: config)
        }
    }

    /// Encodes `source`: `[B, S]` ids → `[B, S, d_model]`.
    public func callAsFunction(_ source: MarianSourceBatch) -> MarianEncoderOutput {
        let d = config.hiddenSize, S = source.length, rows = source.count * S
        let ffn = config.encoderFFNSize
        let hidden = MarianBuffer(count: rows * d)
        let qkv = MarianBuffer(count: rows * 3 * d)
        let context = MarianBuffer(count: rows * d)
        let projected = MarianBuffer(count: rows * d)
        let inner = MarianBuffer(count: rows * ffn)
        let scores = MarianBuffer(count: S * S)
        let scale: Float = config.scaleEmbedding ? Float(d).squareRoot() : 1

        embedding.withUnsafeBufferPointer { e in
            positions.table.withUnsafeBufferPointer { p in
                for r in 0..<rows {
                    let token = e.baseAddress! + source.ids[r] * d
                    let position = p.baseAddress! + (r % S) * d
                    let out = hidden.pointer + r * d
                    for i in 0..<d { out[i] = token[i] * scale + position[i] }
                }
            }
        }
        source.keyMask.withUnsafeBufferPointer { mask in
            for layer in layers {
                layer.forward(hidden: hidden.pointer, batch: source.count, length: S, keyMask: mask.baseAddress!,
                              qkv: qkv.pointer, context: context.pointer, projected: projected.pointer,
                              inner: inner.pointer, scores: scores.pointer, activation: config.activation)
            }
        }
        return MarianEncoderOutput(source: source, hidden: hidden.array())
    }
}

extension MarianEncoderLayer {
    /// `hidden` `[B·S, d]` in place; the other pointers are scratch sized for the batch.
    func forward(
        hidden: UnsafeMutablePointer<Float>, batch: Int, length S: Int, keyMask: UnsafePointer<Float>,
        qkv: UnsafeMutablePointer<Float>, context: UnsafeMutablePointer<Float>,
        projected: UnsafeMutablePointer<Float>, inner: UnsafeMutablePointer<Float>,
        scores: UnsafeMutablePointer<Float>, activation: MarianConfig.Activation
    ) {
        let rows = batch * S, d = fc1.inFeatures, width = 3 * d
        let attention = selfAttention
        attention.query.apply(hidden, rows: rows, into: qkv)  // [B·S, 3d]: q | k | v
        for b in 0..<batch {
            let base = qkv + b * S * width
            attendAll(q: base, ldq: width, k: base + d, v: base + 2 * d, ldkv: width,
                      queries: S, keys: S, heads: attention.heads, headSize: attention.headSize,
                      scaling: attention.scaling, keyMask: keyMask + b * S, causal: false,
                      scores: scores, out: context + b * S * d)
        }
        attention.output.apply(context, rows: rows, into: projected)
        addInPlace(hidden, projected, count: rows * d)
        selfAttentionNorm.apply(hidden, rows: rows)

        fc1.apply(hidden, rows: rows, into: inner)  // [B·S, ffn]
        activation.apply(inner, count: rows * fc1.outFeatures)
        fc2.apply(inner, rows: rows, into: projected)
        addInPlace(hidden, projected, count: rows * d)
        finalNorm.apply(hidden, rows: rows)
    }
}
