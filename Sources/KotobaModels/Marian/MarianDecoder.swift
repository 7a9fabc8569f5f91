// The Marian decoder: token embedding · sqrt(d_model) + sinusoidal positions, post-norm layers of causal
// self-attention, cross-attention over the encoder output and feed-forward, then the tied LM head plus
// `final_logits_bias` (Vaswani et al. 2017 §3.1, §3.4).
// Reference: transformers 5.24.0, models/marian/modeling_marian.py, `MarianDecoderLayer`, `MarianDecoder.forward`,
// `MarianMTModel.forward` (`lm_logits = self.lm_head(outputs[0]) + self.final_logits_bias`).
// This file holds the weights and the full (teacher-forced) pass; MarianDecoderState.swift the cached step.
import KotobaTensor

/// `MarianDecoderLayer`: causal self-attention, cross-attention, feed-forward; residual add then LayerNorm after each.
struct MarianDecoderLayer: Sendable {
    let selfAttention: MarianAttention
    let selfAttentionNorm: LayerNorm
    let crossAttention: MarianAttention
    let crossAttentionNorm: LayerNorm
    let fc1: Linear
    let fc2: Linear
    let finalNorm: LayerNorm

    init(_ weights: WeightStore, config: MarianConfig) throws(ModelError) {
        let d = config.hiddenSize
        // Every projection a decoding step runs is packed in panels (the step's few rows, again and again).
        selfAttention = try MarianAttention(weights.scoped("self_attn"), hidden: d, heads: config.decoderHeads,
                                            cross: false, inPanels: true)
        selfAttentionNorm = try weights.layerNorm("self_attn_layer_norm", width: d, epsilon: 1e-5)
        crossAttention = try MarianAttention(weights.scoped("encoder_attn"), hidden: d, heads: config.decoderHeads,
                                             cross: true, inPanels: true)
        crossAttentionNorm = try weights.layerNorm("encoder_attn_layer_norm", width: d, epsilon: 1e-5)
        fc1 = try weights.linear("fc1", in: d, out: config.decoderFFNSize).packedInPanels()
        fc2 = try weights.linear("fc2", in: config.decoderFFNSize, out: d).packedInPanels()
        finalNorm = try weights.layerNorm("final_layer_norm", width: d, epsilon: 1e-5)
    }

    /// Feed-forward block on `rows` rows of `hidden` in place.
    func feedForward(_ hidden: UnsafeMutablePointer<Float>, rows: Int, inner: UnsafeMutablePointer<Float>,
                     projected: UnsafeMutablePointer<Float>, activation: MarianConfig.Activation) {
        fc1.apply(hidden, rows: rows, into: inner)  // [rows, ffn]
        activation.apply(inner, count: rows * fc1.outFeatures)
        fc2.apply(inner, rows: rows, into: projected)
        addInPlace(hidden, projected, count: rows * fc2.outFeatures)
        finalNorm.apply(hidden, rows: rows)
    }
}

/// `MarianDecoder` with `MarianMTModel`'s LM head: target ids (and the encoder output) → next-token logits.
public struct MarianDecoder: Sendable {
    let config: MarianConfig
    /// `[decoder_vocab_size, d_model]`: `model.shared` or `model.decoder.embed_tokens`.
    let embedding: ContiguousArray<Float>
    let positions: SinusoidalPositions
    let layers: [MarianDecoderLayer]
    /// `lm_head` (`[decoder_vocab_size, d_model]`, or the decoder embedding it is tied to, sharing its storage)
    /// with `final_logits_bias` as its bias (zeros when the checkpoint has none, as transformers inits it).
    let outputProjection: Linear

    init(_ weights: WeightStore, embedding: ContiguousArray<Float>, lmHead: ContiguousArray<Float>,
         finalLogitsBias: ContiguousArray<Float>, config: MarianConfig) throws(ModelError) {
        self.config = config
        self.embedding = embedding
        // Every decoding step streams the whole vocabulary projection; int8 quarters that read. In float it is
        // packed in panels, a copy of its own beside the embedding it is tied to (as halves for an F16 checkpoint,
        // which the layer held as a copy before too).
        outputProjection = Linear(
            weight: Tensor(uncheckedShape: [config.decoderVocabSize, config.hiddenSize], storage: lmHead),
            bias: Tensor(uncheckedShape: [config.decoderVocabSize], storage: finalLogitsBias),
            quantization: weights.quantization).packedInPanels()
        positions = SinusoidalPositions(count: config.maxPositions, size: config.hiddenSize)
        layers = try (0..<config.decoderLayers).map { (i) throws(ModelError) in
            try MarianDecoderLayer(weights.scoped("layers.\(i)"), config: config)
        }
    }

    /// Number of logits per position.
    public var vocabularySize: Int { config.decoderVocabSize }

    /// Cross-attention keys and values of every layer, `[B·S, 2·d_model]` (k | v), computed once per source batch.
    func crossKeyValues(_ encoded: MarianEncoderOutput) -> [MarianBuffer] {
        let rows = encoded.source.count * encoded.source.length
        return encoded.hidden.withUnsafeBufferPointer { h in
            layers.map { layer in
                let kv = MarianBuffer(count: rows * 2 * config.hiddenSize)
                layer.crossAttention.keyValue?.apply(h.baseAddress!, rows: rows, into: kv.pointer)
                return kv
            }
        }
    }

    /// `hidden[r] = embed(tokens[r]) · scale + positions[position(r)]`.
    func embed(_ tokens: [Int], position: (Int) -> Int, into hidden: UnsafeMutablePointer<Float>) {
        let d = config.hiddenSize
        let scale: Float = config.scaleEmbedding ? Float(d).squareRoot() : 1
        embedding.withUnsafeBufferPointer { e in
            positions.table.withUnsafeBufferPointer { p in
                for (r, token) in tokens.enumerated() {
                    let row = e.baseAddress! + token * d, pos = p.baseAddress! + position(r) * d
                    let out = hidden + r * d
                    for i in 0..<d { out[i] = row[i] * scale + pos[i] }
                }
            }
        }
    }

    /// `logits[rows, V] = hidden · lm_headᵀ + final_logits_bias`.
    func project(_ hidden: UnsafePointer<Float>, rows: Int, into logits: UnsafeMutablePointer<Float>) {
        outputProjection.apply(hidden, rows: rows, into: logits)
    }

    /// Teacher-forced logits `[B, T, V]` for decoder inputs `targets` (`[B][T]`, all of one length, starting with
    /// `decoder_start_token_id`), recomputing every position with a causal mask and no cache.
    public func logits(targets: [[Int]], encoded: MarianEncoderOutput) throws(ModelError) -> Tensor {
        let B = encoded.source.count, S = encoded.source.length, d = config.hiddenSize
        guard targets.count == B else {
            throw .invalidInput("\(targets.count) target rows for \(B) sources")
        }
        let T = targets.first?.count ?? 0
        guard T > 0, targets.allSatisfy({ $0.count == T }) else {
            throw .invalidInput("target rows must be non-empty and of one length")
        }
        guard T <= config.maxPositions else {
            throw .invalidInput("\(T) target positions; max_position_embeddings is \(config.maxPositions)")
        }
        let flat = targets.flatMap { $0 }
        if let bad = flat.first(where: { $0 < 0 || $0 >= config.decoderVocabSize }) {
            throw .invalidInput("target token id \(bad) outside vocabulary of \(config.decoderVocabSize)")
        }
        let rows = B * T
        let hidden = MarianBuffer(count: rows * d), qkv = MarianBuffer(count: rows * 3 * d)
        let query = MarianBuffer(count: rows * d), context = MarianBuffer(count: rows * d)
        let projected = MarianBuffer(count: rows * d)
        let inner = MarianBuffer(count: rows * config.decoderFFNSize)
        let scores = MarianBuffer(count: T * max(T, S))
        let crossKV = crossKeyValues(encoded)
        embed(flat, position: { $0 % T }, into: hidden.pointer)

        encoded.source.keyMask.withUnsafeBufferPointer { mask in
            for (l, layer) in layers.enumerated() {
                let a = layer.selfAttention
                a.query.apply(hidden.pointer, rows: rows, into: qkv.pointer)  // [B·T, 3d]: q | k | v
                for b in 0..<B {
                    let base = qkv.pointer + b * T * 3 * d
                    attendAll(q: base, ldq: 3 * d, k: base + d, v: base + 2 * d, ldkv: 3 * d, queries: T, keys: T,
                              heads: a.heads, headSize: a.headSize, scaling: a.scaling, keyMask: nil, causal: true,
                              scores: scores.pointer, out: context.pointer + b * T * d)
                }
                a.output.apply(context.pointer, rows: rows, into: projected.pointer)
                addInPlace(hidden.pointer, projected.pointer, count: rows * d)
                layer.selfAttentionNorm.apply(hidden.pointer, rows: rows)

                let c = layer.crossAttention
                c.query.apply(hidden.pointer, rows: rows, into: query.pointer)  // [B·T, d]
                for b in 0..<B {
                    let kv = crossKV[l].pointer + b * S * 2 * d
                    attendAll(q: query.pointer + b * T * d, ldq: d, k: kv, v: kv + d, ldkv: 2 * d, queries: T,
                              keys: S, heads: c.heads, headSize: c.headSize, scaling: c.scaling,
                              keyMask: mask.baseAddress! + b * S, causal: false, scores: scores.pointer,
                              out: context.pointer + b * T * d)
                }
                c.output.apply(context.pointer, rows: rows, into: projected.pointer)
                addInPlace(hidden.pointer, projected.pointer, count: rows * d)
                layer.crossAttentionNorm.apply(hidden.pointer, rows: rows)

                layer.feedForward(hidden.pointer, rows: rows, inner: inner.pointer, projected: projected.pointer,
                                  activation: config.activation)
            }
        }
        let logits = MarianBuffer(count: rows * config.decoderVocabSize)
        project(hidden.pointer, rows: rows, into: logits.pointer)
        return Tensor(uncheckedShape: [B, T, config.decoderVocabSize], storage: logits.array())
    }
}
