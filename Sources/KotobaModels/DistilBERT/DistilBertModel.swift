// DistilBERT: Sanh, Debut, Chaumond & Wolf, "DistilBERT, a distilled version of BERT: smaller, faster, cheaper
// and lighter", 2019, §2 (BERT's architecture without token-type embeddings and pooler, half the layers).
// Reference: transformers `src/transformers/models/distilbert/modeling_distilbert.py` at v5.24.0
// (`Embeddings`, `DistilBertSelfAttention`, `FFN`, `TransformerBlock`, `Transformer`, `DistilBertModel`).
import Foundation
import KotobaTensor

/// Word + position embeddings, summed and layer-normed (DistilBERT's `Embeddings`; no segment embeddings).
public struct DistilBertEmbeddings: Sendable {
    /// `word_embeddings`, `[vocab, dim]`.
    public let word: Embedding
    /// `position_embeddings`, `[max_positions, dim]` (learned, or sinusoidal values stored as weights).
    public let position: Embedding
    /// `LayerNorm`.
    public let norm: LayerNorm

    init(weights: WeightStore, config: DistilBertConfig) throws(ModelError) {
        word = try weights.embedding("word_embeddings", rows: config.vocabSize, width: config.dim)
        position = try weights.embedding("position_embeddings", rows: config.maxPositionEmbeddings, width: config.dim)
        norm = try weights.layerNorm("LayerNorm", width: config.dim, epsilon: config.layerNormEps)
    }

    /// `[B·S]` ids → `[B, S, dim]`; segment ids are ignored, as DistilBERT has none.
    func callAsFunction(_ batch: TokenBatch) throws(TensorError) -> Tensor {
        var x = try word(batch.ids)                                            // [B·S, dim]
        x = try x.reshaped([batch.batchSize, batch.length, word.width])        // [B, S, dim]
        try x.add(try position(Array(0..<batch.length)))                       // [S, dim] repeated over B
        try norm.apply(&x)
        return x
    }
}

/// One `TransformerBlock`: the shared post-norm block under DistilBERT's key names.
extension PostNormEncoderLayer {
    init(distilBert weights: WeightStore, config: DistilBertConfig) throws(ModelError) {
        let (d, i, eps) = (config.dim, config.hiddenDim, config.layerNormEps)
        let attention = weights.scoped("attention")
        self.init(
            attention: MultiHeadAttention(
                query: try attention.linear("q_lin", in: d, out: d),
                key: try attention.linear("k_lin", in: d, out: d),
                value: try attention.linear("v_lin", in: d, out: d),
                output: try attention.linear("out_lin", in: d, out: d),
                heads: config.nHeads),
            attentionNorm: try weights.layerNorm("sa_layer_norm", width: d, epsilon: eps),
            feedForward: FeedForward(
                up: try weights.linear("ffn.lin1", in: d, out: i),
                down: try weights.linear("ffn.lin2", in: i, out: d),
                activation: config.activation),
            outputNorm: try weights.layerNorm("output_layer_norm", width: d, epsilon: eps))
    }
}

/// The bare DistilBERT encoder (`DistilBertModel`).
public struct DistilBertModel: Sendable {
    /// The configuration it was built from.
    public let config: DistilBertConfig
    /// `embeddings`.
    public let embeddings: DistilBertEmbeddings
    /// `transformer.layer.N`.
    public let layers: [PostNormEncoderLayer]

    /// Reads the encoder from `weights`, scoped at the model root (`embeddings.*`, `transformer.*`).
    public init(weights: WeightStore, config: DistilBertConfig) throws(ModelError) {
        HeapTuning.retainFreedMemory()   // forward passes reuse freed buffers instead of faulting them back in
        self.config = config
        embeddings = try DistilBertEmbeddings(weights: weights.scoped("embeddings"), config: config)
        var layers: [PostNormEncoderLayer] = []
        for n in 0..<config.nLayers {
            layers.append(try PostNormEncoderLayer(distilBert: weights.scoped("transformer.layer.\(n)"), config: config))
        }
        self.layers = layers
    }

    /// Loads a bare encoder from `directory`, from either a bare or a head-model checkpoint.
    public init(directory: URL, quantization: Quantization = .none) throws(ModelError) {
        let checkpoint = try DistilBertCheckpoint(directory: directory, quantization: quantization)
        try self.init(weights: checkpoint.base, config: checkpoint.config)
    }

    /// `last_hidden_state`, `[B, S, dim]`. Segment ids must be zero: DistilBERT has no segment embeddings, so a
    /// non-zero one would be silently ignored rather than honoured.
    public func callAsFunction(_ batch: TokenBatch) throws(ModelError) -> Tensor {
        try batch.validate(vocabularySize: config.vocabSize, typeVocabularySize: 1,
                           maxPositions: config.maxPositionEmbeddings)
        return try ModelError.reporting { () throws(TensorError) -> Tensor in
            var hidden = try embeddings(batch)                      // [B, S, dim]
            let mask = batch.additiveMask()                         // [B, 1, 1, S]
            for layer in layers { hidden = try layer(hidden, mask: mask) }
            return hidden
        }
    }
}

/// Opens a DistilBERT checkpoint directory: its config, and its weights with the base model's scope resolved.
struct DistilBertCheckpoint {
    let config: DistilBertConfig
    let weights: WeightStore
    let base: WeightStore
    let path: String

    init(directory: URL, quantization: Quantization) throws(ModelError) {
        config = try DistilBertConfig.load(directory: directory)
        weights = try WeightStore(directory: directory, quantization: quantization)
        base = weights.baseModel("distilbert", probe: "embeddings.word_embeddings.weight")
        path = directory.path
    }
}
