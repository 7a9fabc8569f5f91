// BERT: Devlin, Chang, Lee & Toutanova, "BERT: Pre-training of Deep Bidirectional Transformers for Language
// Understanding", NAACL 2019, §3.
// Reference: transformers `src/transformers/models/bert/modeling_bert.py` at v5.24.0 (`BertEmbeddings`,
// `BertSelfAttention`, `BertLayer`, `BertEncoder`, `BertPooler`, `BertModel`), read in that order below.
import KotobaTensor

/// Word + position + segment embeddings, summed and layer-normed (`BertEmbeddings`).
public struct BertEmbeddings: Sendable {
    /// `word_embeddings`, `[vocab, hidden]`.
    public let word: Embedding
    /// `position_embeddings`, `[max_positions, hidden]`.
    public let position: Embedding
    /// `token_type_embeddings`, `[type_vocab, hidden]`.
    public let tokenType: Embedding
    /// `LayerNorm`.
    public let norm: LayerNorm

    init(weights: WeightStore, config: BertConfig) throws(ModelError) {
        let h = config.hiddenSize
        word = try weights.embedding("word_embeddings", rows: config.vocabSize, width: h)
        position = try weights.embedding("position_embeddings", rows: config.maxPositionEmbeddings, width: h)
        tokenType = try weights.embedding("token_type_embeddings", rows: config.typeVocabSize, width: h)
        norm = try weights.layerNorm("LayerNorm", width: h, epsilon: config.layerNormEps)
    }

    /// `[B·S]` ids → `[B, S, hidden]`. Positions restart at 0 in every row (`position_ids = arange(S)`), padding
    /// included, which is what transformers does for right-padded batches.
    func callAsFunction(_ batch: TokenBatch) throws(TensorError) -> Tensor {
        var x = try word(batch.ids)                                            // [B·S, hidden]
        try x.add(try tokenType(batch.typeIds))
        x = try x.reshaped([batch.batchSize, batch.length, word.width])        // [B, S, hidden]
        try x.add(try position(Array(0..<batch.length)))                       // [S, hidden] repeated over B
        try norm.apply(&x)
        return x
    }
}

/// One `BertLayer`: the shared post-norm block under BERT's key names.
extension PostNormEncoderLayer {
    init(bert weights: WeightStore, config: BertConfig) throws(ModelError) {
        let (h, i, eps) = (config.hiddenSize, config.intermediateSize, config.layerNormEps)
        let attention = weights.scoped("attention")
        let projections = attention.scoped("self")                            // BertSelfAttention
        self.init(
            attention: MultiHeadAttention(
                query: try projections.linear("query", in: h, out: h),
                key: try projections.linear("key", in: h, out: h),
                value: try projections.linear("value", in: h, out: h),
                output: try attention.linear("output.dense", in: h, out: h),  // BertSelfOutput
                heads: config.numAttentionHeads),
            attentionNorm: try attention.layerNorm("output.LayerNorm", width: h, epsilon: eps),
            feedForward: FeedForward(
                up: try weights.linear("intermediate.dense", in: h, out: i),  // BertIntermediate
                down: try weights.linear("output.dense", in: i, out: h),      // BertOutput
                activation: config.hiddenAct),
            outputNorm: try weights.layerNorm("output.LayerNorm", width: h, epsilon: eps))
    }
}

/// What `BertModel` returns.
public struct BertOutput: Sendable {
    /// `last_hidden_state`, `[B, S, hidden]`.
    public var sequence: Tensor
    /// `pooler_output` = `tanh(W · h[CLS] + b)`, `[B, hidden]`; `nil` for a model built without a pooler.
    public var pooled: Tensor?
}

/// The bare BERT encoder (`BertModel`), optionally with its pooler.
public struct BertModel: Sendable {
    /// The configuration it was built from.
    public let config: BertConfig
    /// `embeddings`.
    public let embeddings: BertEmbeddings
    /// `encoder.layer.N`.
    public let layers: [PostNormEncoderLayer]
    /// `pooler.dense`, followed by tanh.
    public let pooler: Linear?

    /// Reads the encoder from `weights`, scoped at the model root (`embeddings.*`, `encoder.*`, `pooler.*`).
    public init(weights: WeightStore, config: BertConfig, pooler: Bool) throws(ModelError) {
        HeapTuning.retainFreedMemory()   // forward passes reuse freed buffers instead of faulting them back in
        self.config = config
        embeddings = try BertEmbeddings(weights: weights.scoped("embeddings"), config: config)
        var layers: [PostNormEncoderLayer] = []
        for n in 0..<config.numHiddenLayers {
            layers.append(try PostNormEncoderLayer(bert: weights.scoped("encoder.layer.\(n)"), config: config))
        }
        self.layers = layers
        let h = config.hiddenSize
        self.pooler = pooler ? try weights.linear("pooler.dense", in: h, out: h, quantize: false).packedInPanels() : nil
    }

    /// Encodes a batch; ids, segment ids and length are validated first so a bad request is a typed error.
    public func callAsFunction(_ batch: TokenBatch) throws(ModelError) -> BertOutput {
        try batch.validate(vocabularySize: config.vocabSize, typeVocabularySize: config.typeVocabSize,
                           maxPositions: config.maxPositionEmbeddings)
        return try ModelError.reporting { () throws(TensorError) -> BertOutput in
            var hidden = try embeddings(batch)                      // [B, S, hidden]
            let mask = batch.additiveMask()                         // [B, 1, 1, S]
            for layer in layers { hidden = try layer(hidden, mask: mask) }
            guard let pooler else { return BertOutput(sequence: hidden, pooled: nil) }
            var pooled = try pooler(try hidden.rows(positions: 0, of: batch))   // h[CLS] → [B, hidden]
            pooled.apply(.tanh)
            return BertOutput(sequence: hidden, pooled: pooled)
        }
    }
}

extension Tensor {
    /// The hidden state at `position` of every sequence: `[B, S, hidden]` → `[B, hidden]`.
    package func rows(positions position: Int, of batch: TokenBatch) throws(TensorError) -> Tensor {
        try rows(at: (0..<batch.batchSize).map { $0 * batch.length + position })
    }

    /// Rows of `[B, S, hidden]` viewed as `[B·S, hidden]`, by flat index → `[indices.count, hidden]`.
    package func rows(at flatIndices: [Int]) throws(TensorError) -> Tensor {
        let width = shape[rank - 1]
        return try reshaped([count / Swift.max(width, 1), width]).gatherRows(flatIndices)
    }
}
