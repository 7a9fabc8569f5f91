// Reference: transformers `src/transformers/models/bert/modeling_bert.py` at v5.24.0 (`BertForPreTraining`,
// `BertForMaskedLM`, `BertForNextSentencePrediction`, `BertForSequenceClassification`).
import Foundation
import KotobaTensor

/// Opens a BERT checkpoint directory: its config, and its weights with the base model's scope resolved.
struct BertCheckpoint {
    let config: BertConfig
    let weights: WeightStore
    let base: WeightStore
    let path: String

    init(directory: URL, quantization: Quantization) throws(ModelError) {
        config = try BertConfig.load(directory: directory)
        weights = try WeightStore(directory: directory, quantization: quantization)
        base = weights.baseModel("bert", probe: "embeddings.word_embeddings.weight")
        path = directory.path
    }
}

/// `BertForMaskedLM`: the encoder (no pooler) and `cls.predictions`.
public struct BertForMaskedLM: Sendable {
    /// `bert`.
    public let bert: BertModel
    /// `cls.predictions`.
    public let predictions: BertLMPredictionHead

    /// Loads the model in `directory` (config.json + safetensors).
    public init(directory: URL, quantization: Quantization = .none) throws(ModelError) {
        let checkpoint = try BertCheckpoint(directory: directory, quantization: quantization)
        bert = try BertModel(weights: checkpoint.base, config: checkpoint.config, pooler: false)
        predictions = try BertLMPredictionHead(weights: checkpoint.weights.scoped("cls.predictions"),
                                               config: checkpoint.config, wordEmbeddings: bert.embeddings.word)
    }

    /// Vocabulary logits at every position, `[B, S, vocab]`.
    public func callAsFunction(_ batch: TokenBatch) throws(ModelError) -> Tensor {
        let hidden = try bert(batch).sequence
        return try ModelError.reporting { () throws(TensorError) -> Tensor in
            let logits = try predictions(try hidden.reshaped([batch.batchSize * batch.length, hidden.shape[2]]))
            return try logits.reshaped([batch.batchSize, batch.length, bert.config.vocabSize])
        }
    }

    /// Vocabulary logits only at `positions` (flat indices `row · length + position`), `[positions.count, vocab]`.
    ///
    /// Fill-mask needs a few rows of a `[B·S, vocab]` product; projecting only those skips nearly all of the
    /// largest matrix product in the model.
    public func logits(_ batch: TokenBatch, at positions: [Int]) throws(ModelError) -> Tensor {
        let hidden = try bert(batch).sequence
        return try ModelError.reporting { () throws(TensorError) -> Tensor in try predictions(try hidden.rows(at: positions)) }
    }
}

/// `BertForPreTraining`: the encoder with pooler, and both pre-training heads (`cls.predictions`, `cls.seq_relationship`).
public struct BertForPreTraining: Sendable {
    /// `bert`.
    public let bert: BertModel
    /// `cls.predictions`.
    public let predictions: BertLMPredictionHead
    /// `cls.seq_relationship`, `[2, hidden]`.
    public let seqRelationship: Linear

    /// Loads the model in `directory`.
    public init(directory: URL, quantization: Quantization = .none) throws(ModelError) {
        let checkpoint = try BertCheckpoint(directory: directory, quantization: quantization)
        bert = try BertModel(weights: checkpoint.base, config: checkpoint.config, pooler: true)
        predictions = try BertLMPredictionHead(weights: checkpoint.weights.scoped("cls.predictions"),
                                               config: checkpoint.config, wordEmbeddings: bert.embeddings.word)
        seqRelationship = try checkpoint.weights.seqRelationship(hidden: checkpoint.config.hiddenSize)
    }

    /// Both heads' logits for a batch.
    public func callAsFunction(_ batch: TokenBatch) throws(ModelError) -> BertPreTrainingOutput {
        let output = try bert(batch)
        return try ModelError.reporting { () throws(TensorError) -> BertPreTrainingOutput in
            let hidden = output.sequence
            let logits = try predictions(try hidden.reshaped([batch.batchSize * batch.length, hidden.shape[2]]))
            return BertPreTrainingOutput(
                predictionLogits: try logits.reshaped([batch.batchSize, batch.length, bert.config.vocabSize]),
                seqRelationshipLogits: try seqRelationship(output.pooled ?? hidden))
        }
    }
}

/// `BertForNextSentencePrediction`: the encoder with pooler and `cls.seq_relationship`.
public struct BertForNextSentencePrediction: Sendable {
    /// `bert`.
    public let bert: BertModel
    /// `cls.seq_relationship`, `[2, hidden]`.
    public let seqRelationship: Linear

    /// Loads the model in `directory`.
    public init(directory: URL, quantization: Quantization = .none) throws(ModelError) {
        let checkpoint = try BertCheckpoint(directory: directory, quantization: quantization)
        bert = try BertModel(weights: checkpoint.base, config: checkpoint.config, pooler: true)
        seqRelationship = try checkpoint.weights.seqRelationship(hidden: checkpoint.config.hiddenSize)
    }

    /// NSP logits `[B, 2]` for sentence pairs encoded as `[CLS] A [SEP] B [SEP]` with segment ids 0 then 1.
    /// Index 0 is "B follows A": pre-training labelled `IsNext` as 0 (§A.2 of the paper; `next_sentence_label`
    /// docs in modeling_bert.py), so the head's first output carries that class.
    public func callAsFunction(_ batch: TokenBatch) throws(ModelError) -> Tensor {
        let output = try bert(batch)
        return try ModelError.reporting { () throws(TensorError) -> Tensor in
            try seqRelationship(output.pooled ?? output.sequence)
        }
    }
}

/// `BertForSequenceClassification`: the pooled output through `classifier`.
public struct BertForSequenceClassification: Sendable {
    /// `bert`.
    public let bert: BertModel
    /// `classifier`, `[num_labels, hidden]`.
    public let classifier: Linear
    /// `id2label` and `problem_type`.
    public let labels: ClassificationLabels

    /// Loads the model in `directory`.
    public init(directory: URL, quantization: Quantization = .none) throws(ModelError) {
        let checkpoint = try BertCheckpoint(directory: directory, quantization: quantization)
        let config = checkpoint.config
        bert = try BertModel(weights: checkpoint.base, config: config, pooler: true)
        var count = config.id2label?.count ?? 0
        if config.id2label == nil { count = try checkpoint.weights.tensor("classifier.bias").count }
        classifier = try checkpoint.weights.linear("classifier", in: config.hiddenSize, out: count, quantize: false).packedInPanels()
        labels = try ClassificationLabels(id2label: config.id2label, problemType: config.problemType, count: count,
                                          path: checkpoint.path + "/config.json")
    }

    /// Label logits, `[B, num_labels]` (dropout is the identity at inference).
    public func callAsFunction(_ batch: TokenBatch) throws(ModelError) -> Tensor {
        let output = try bert(batch)
        return try ModelError.reporting { () throws(TensorError) -> Tensor in
            try classifier(output.pooled ?? output.sequence)
        }
    }
}

extension BertModel {
    /// Loads the bare encoder in `directory`, from a bare or a head-model checkpoint; the pooler is read when the
    /// checkpoint has one (`BertForMaskedLM` checkpoints do not).
    public init(directory: URL, quantization: Quantization = .none) throws(ModelError) {
        let checkpoint = try BertCheckpoint(directory: directory, quantization: quantization)
        try self.init(weights: checkpoint.base, config: checkpoint.config,
                      pooler: checkpoint.base.contains("pooler.dense.weight"))
    }
}
