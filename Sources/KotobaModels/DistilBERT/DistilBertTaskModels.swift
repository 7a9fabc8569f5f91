// Reference: transformers `src/transformers/models/distilbert/modeling_distilbert.py` at v5.24.0
// (`DistilBertForMaskedLM`, `DistilBertForSequenceClassification`).
import Foundation
import KotobaTensor

/// `DistilBertForMaskedLM`: the encoder, then `vocab_transform → activation → vocab_layer_norm → vocab_projector`.
public struct DistilBertForMaskedLM: Sendable {
    /// `distilbert`.
    public let distilbert: DistilBertModel
    /// `vocab_transform`, `[dim, dim]`.
    public let vocabTransform: Linear
    /// `activation` from the config, after `vocab_transform`.
    public let activation: Activation
    /// `vocab_layer_norm`.
    public let vocabLayerNorm: LayerNorm
    /// `vocab_projector`, `[vocab, dim]`; tied to the word embeddings when the checkpoint stores no weight.
    public let vocabProjector: Linear

    /// Loads the model in `directory`.
    public init(directory: URL, quantization: Quantization = .none) throws(ModelError) {
        let checkpoint = try DistilBertCheckpoint(directory: directory, quantization: quantization)
        let (config, weights) = (checkpoint.config, checkpoint.weights)
        distilbert = try DistilBertModel(weights: checkpoint.base, config: config)
        vocabTransform = try weights.linear("vocab_transform", in: config.dim, out: config.dim, quantize: false).packedInPanels()
        activation = config.activation
        vocabLayerNorm = try weights.layerNorm("vocab_layer_norm", width: config.dim, epsilon: config.layerNormEps)
        let projector = weights.scoped("vocab_projector")
        let bias = try projector.tensor("bias", shape: [config.vocabSize])
        // Quantized like BERT's MLM decoder: every masked position streams the whole vocabulary projection.
        vocabProjector = projector.contains("weight") || !config.tieWordEmbeddings
            ? Linear(weight: try projector.tensor("weight", shape: [config.vocabSize, config.dim]), bias: bias,
                     quantization: weights.quantization)
            : distilbert.embeddings.word.tiedProjection(bias: bias, quantization: weights.quantization)
    }

    /// Vocabulary logits at every position, `[B, S, vocab]`.
    public func callAsFunction(_ batch: TokenBatch) throws(ModelError) -> Tensor {
        let hidden = try distilbert(batch)
        return try ModelError.reporting { () throws(TensorError) -> Tensor in
            let logits = try head(try hidden.reshaped([batch.batchSize * batch.length, distilbert.config.dim]))
            return try logits.reshaped([batch.batchSize, batch.length, distilbert.config.vocabSize])
        }
    }

    /// Vocabulary logits only at `positions` (flat indices `row · length + position`), `[positions.count, vocab]`.
    public func logits(_ batch: TokenBatch, at positions: [Int]) throws(ModelError) -> Tensor {
        let hidden = try distilbert(batch)
        return try ModelError.reporting { () throws(TensorError) -> Tensor in try head(try hidden.rows(at: positions)) }
    }

    private func head(_ hidden: Tensor) throws(TensorError) -> Tensor {
        var x = try vocabTransform(hidden)       // [N, dim]
        x.apply(activation)
        try vocabLayerNorm.apply(&x)
        return try vocabProjector(x)             // [N, vocab]
    }
}

/// `DistilBertForSequenceClassification`: `h[CLS] → pre_classifier → ReLU → classifier`.
public struct DistilBertForSequenceClassification: Sendable {
    /// `distilbert`.
    public let distilbert: DistilBertModel
    /// `pre_classifier`, `[dim, dim]`.
    public let preClassifier: Linear
    /// `classifier`, `[num_labels, dim]`.
    public let classifier: Linear
    /// `id2label` and `problem_type`.
    public let labels: ClassificationLabels

    /// Loads the model in `directory`.
    public init(directory: URL, quantization: Quantization = .none) throws(ModelError) {
        let checkpoint = try DistilBertCheckpoint(directory: directory, quantization: quantization)
        let (config, weights) = (checkpoint.config, checkpoint.weights)
        distilbert = try DistilBertModel(weights: checkpoint.base, config: config)
        preClassifier = try weights.linear("pre_classifier", in: config.dim, out: config.dim, quantize: false).packedInPanels()
        var count = config.id2label?.count ?? 0
        if config.id2label == nil { count = try weights.tensor("classifier.bias").count }
        classifier = try weights.linear("classifier", in: config.dim, out: count, quantize: false).packedInPanels()
        labels = try ClassificationLabels(id2label: config.id2label, problemType: config.problemType, count: count,
                                          path: checkpoint.path + "/config.json")
    }

    /// Label logits, `[B, num_labels]`.
    public func callAsFunction(_ batch: TokenBatch) throws(ModelError) -> Tensor {
        let hidden = try distilbert(batch)
        return try ModelError.reporting { () throws(TensorError) -> Tensor in
            var pooled = try preClassifier(try hidden.rows(positions: 0, of: batch))   // [B, dim]
            pooled.apply(.relu)
            return try classifier(pooled)                                               // [B, num_labels]
        }
    }
}
