// Reference: transformers `src/transformers/models/bert/modeling_bert.py` at v5.24.0
// (`BertPredictionHeadTransform`, `BertLMPredictionHead`, `BertOnlyNSPHead`, `BertPreTrainingHeads`).
import KotobaTensor

/// The masked-language-model head (`cls.predictions`): transform, then a projection onto the vocabulary.
public struct BertLMPredictionHead: Sendable {
    /// `transform.dense`, `[hidden, hidden]`.
    public let dense: Linear
    /// `hidden_act`, applied after `dense`.
    public let activation: Activation
    /// `transform.LayerNorm`.
    public let norm: LayerNorm
    /// `decoder`: weight `[vocab, hidden]`, bias `[vocab]` (`cls.predictions.bias`).
    public let decoder: Linear

    /// Reads `cls.predictions.*`; `wordEmbeddings` is the decoder weight when the checkpoint ties them.
    ///
    /// Tied checkpoints store no `decoder.weight` at all (safetensors drops shared storage), so its absence with
    /// `tie_word_embeddings` means "use the input embeddings", as `PreTrainedModel.tie_weights` does.
    init(weights: WeightStore, config: BertConfig, wordEmbeddings: Embedding) throws(ModelError) {
        let h = config.hiddenSize
        dense = try weights.linear("transform.dense", in: h, out: h, quantize: false).packedInPanels()
        activation = config.hiddenAct
        norm = try weights.layerNorm("transform.LayerNorm", width: h, epsilon: config.layerNormEps)
        // The forward pass adds `decoder.bias`. transformers ties it to `cls.predictions.bias` along with the
        // embeddings, so a tied checkpoint stores only `bias`; an untied one stores both, possibly different.
        let bias = try weights.tensor(weights.contains("decoder.bias") ? "decoder.bias" : "bias", shape: [config.vocabSize])
        // The vocabulary projection streams vocab × hidden weights for every masked position, the largest read of
        // a short fill-mask request; int8 quarters it (the embedding lookups keep their own precision).
        decoder = if weights.contains("decoder.weight") || !config.tieWordEmbeddings {
            Linear(weight: try weights.tensor("decoder.weight", shape: [config.vocabSize, h]), bias: bias,
                   quantization: weights.quantization)
        } else {
            wordEmbeddings.tiedProjection(bias: bias, quantization: weights.quantization)
        }
    }

    /// Hidden rows `[N, hidden]` → vocabulary logits `[N, vocab]`.
    public func callAsFunction(_ hidden: Tensor) throws(TensorError) -> Tensor {
        var x = try dense(hidden)
        x.apply(activation)
        try norm.apply(&x)
        return try decoder(x)
    }
}

/// What `BertForPreTraining` returns.
public struct BertPreTrainingOutput: Sendable {
    /// `prediction_logits`, `[B, S, vocab]`.
    public var predictionLogits: Tensor
    /// `seq_relationship_logits`, `[B, 2]`; index 0 is "B follows A".
    public var seqRelationshipLogits: Tensor
}

extension WeightStore {
    /// The NSP head `cls.seq_relationship`, `[2, hidden]`.
    func seqRelationship(hidden: Int) throws(ModelError) -> Linear {
        try linear("cls.seq_relationship", in: hidden, out: 2, quantize: false)
    }
}
