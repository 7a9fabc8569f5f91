import Foundation
import KotobaTensor

/// What a caller must know to build valid input for an encoder.
public struct EncoderLimits: Sendable, Equatable {
    /// `max_position_embeddings`: the longest sequence, special tokens included.
    public var maxPositions: Int
    /// Rows of the word-embedding matrix; every token id must be below it.
    public var vocabularySize: Int
    /// Whether segment ids (`token_type_ids`) reach the model; DistilBERT has no segment embeddings.
    public var usesTokenTypes: Bool
}

/// An encoder with a masked-language-model head.
public protocol MaskedLanguageModel: Sendable {
    /// Input limits.
    var limits: EncoderLimits { get }
    /// Vocabulary logits at `positions` (flat indices `row · length + position`), `[positions.count, vocab]`.
    func logits(_ batch: TokenBatch, at positions: [Int]) throws(ModelError) -> Tensor
}

/// An encoder with a sequence-classification head.
public protocol SequenceClassifier: Sendable {
    /// Input limits.
    var limits: EncoderLimits { get }
    /// Label names and problem type.
    var labels: ClassificationLabels { get }
    /// Label logits, `[B, num_labels]`.
    func callAsFunction(_ batch: TokenBatch) throws(ModelError) -> Tensor
}

/// An encoder with BERT's next-sentence head.
public protocol NextSentencePredictor: Sendable {
    /// Input limits.
    var limits: EncoderLimits { get }
    /// NSP logits, `[B, 2]`; index 0 is "the second segment follows the first".
    func nextSentenceLogits(_ batch: TokenBatch) throws(ModelError) -> Tensor
}

/// A bare encoder giving per-token hidden states.
public protocol SentenceEncoder: Sendable {
    /// Input limits.
    var limits: EncoderLimits { get }
    /// `last_hidden_state`, `[B, S, hidden]`.
    func hiddenStates(_ batch: TokenBatch) throws(ModelError) -> Tensor
}

/// Loads the model in a directory behind the capability a task needs, through `ModelRegistry`.
public enum EncoderModels {
    /// A masked-LM model: `BertForMaskedLM`, `BertForPreTraining` or `DistilBertForMaskedLM`.
    public static func maskedLanguageModel(directory: URL, quantization: Quantization = .none) throws(ModelError) -> any MaskedLanguageModel {
        try load(directory, .fillMask, quantization)
    }

    /// A sequence classifier: `BertForSequenceClassification` or `DistilBertForSequenceClassification`.
    public static func sequenceClassifier(directory: URL, quantization: Quantization = .none) throws(ModelError) -> any SequenceClassifier {
        try load(directory, .textClassification, quantization)
    }

    /// A next-sentence predictor: `BertForNextSentencePrediction` or `BertForPreTraining`.
    public static func nextSentencePredictor(directory: URL, quantization: Quantization = .none) throws(ModelError) -> any NextSentencePredictor {
        try load(directory, .nextSentence, quantization)
    }

    /// The bare encoder of any BERT or DistilBERT checkpoint (a head model's heads are not read).
    public static func sentenceEncoder(directory: URL, quantization: Quantization = .none) throws(ModelError) -> any SentenceEncoder {
        try load(directory, .featureExtraction, quantization)
    }

    private static func load<Model>(_ directory: URL, _ capability: ModelCapability,
                                    _ quantization: Quantization) throws(ModelError) -> Model {
        let loaded = try ModelRegistry.load(directory, for: capability, quantization: quantization)
        guard let model = loaded as? Model else {
            // A registry line whose loader does not give its capability's protocol: ours, and a test catches it.
            throw .invalidInput("\(type(of: loaded)) does not implement \(capability.rawValue)")
        }
        return model
    }
}

extension BertConfig {
    var limits: EncoderLimits {
        EncoderLimits(maxPositions: maxPositionEmbeddings, vocabularySize: vocabSize, usesTokenTypes: true)
    }
}

extension DistilBertConfig {
    var limits: EncoderLimits {
        EncoderLimits(maxPositions: maxPositionEmbeddings, vocabularySize: vocabSize, usesTokenTypes: false)
    }
}

extension BertForMaskedLM: MaskedLanguageModel {
    public var limits: EncoderLimits { bert.config.limits }
}

extension BertForPreTraining: MaskedLanguageModel, NextSentencePredictor {
    public var limits: EncoderLimits { bert.config.limits }

    public func logits(_ batch: TokenBatch, at positions: [Int]) throws(ModelError) -> Tensor {
        let hidden = try bert(batch).sequence
        return try ModelError.reporting { () throws(TensorError) -> Tensor in try predictions(try hidden.rows(at: positions)) }
    }

    public func nextSentenceLogits(_ batch: TokenBatch) throws(ModelError) -> Tensor {
        let output = try bert(batch)
        return try ModelError.reporting { () throws(TensorError) -> Tensor in try seqRelationship(output.pooled ?? output.sequence) }
    }
}

extension BertForNextSentencePrediction: NextSentencePredictor {
    public var limits: EncoderLimits { bert.config.limits }
    public func nextSentenceLogits(_ batch: TokenBatch) throws(ModelError) -> Tensor { try self(batch) }
}

extension BertForSequenceClassification: SequenceClassifier {
    public var limits: EncoderLimits { bert.config.limits }
}

extension DistilBertForMaskedLM: MaskedLanguageModel {
    public var limits: EncoderLimits { distilbert.config.limits }
}

extension DistilBertForSequenceClassification: SequenceClassifier {
    public var limits: EncoderLimits { distilbert.config.limits }
}

extension BertModel: SentenceEncoder {
    public var limits: EncoderLimits { config.limits }
    public func hiddenStates(_ batch: TokenBatch) throws(ModelError) -> Tensor { try self(batch).sequence }
}

extension DistilBertModel: SentenceEncoder {
    public var limits: EncoderLimits { config.limits }
    public func hiddenStates(_ batch: TokenBatch) throws(ModelError) -> Tensor { try self(batch) }
}
