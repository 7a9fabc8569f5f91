import Foundation
import KotobaTasks

/// Fill-mask over a masked-LM checkpoint.
struct FillMaskModel: ServedModel {
    typealias Item = PreparedItem<FillMaskOptions>

    static let task = "fill-mask"
    let model: FillMaskTask
    let metadata: ModelMetadata

    init(directory: URL, facts: CheckpointFacts, quantization: Quantization = .none, shared: SharedCheckpoints? = nil) throws {
        model = try FillMaskTask.load(directory: directory, quantization: quantization, shared: shared)
        metadata = ModelMetadata(facts, maxInputTokens: model.tokenization.maxLength, quantization: quantization)
    }

    var tokenization: TokenizationTask { model.tokenization }

    func runBatch(_ items: [Item], isCancelled: @escaping @Sendable (Int) -> Bool) -> [Result<FillMaskResult, any Error>] {
        GroupedRun.run(items, key: \.options, isCancelled: isCancelled) { group, _ in
            try model.run(group.map(\.input), options: group[0].options)
        }
    }
}

/// Sequence classification (sentiment and the like) over a classifier checkpoint.
struct ClassificationModel: ServedModel {
    typealias Item = PreparedItem<TextClassificationOptions>

    static let task = "text-classification"
    let model: TextClassificationTask
    let metadata: ModelMetadata

    init(directory: URL, facts: CheckpointFacts, quantization: Quantization = .none) throws {
        model = try TextClassificationTask.load(directory: directory, quantization: quantization)
        metadata = ModelMetadata(facts, maxInputTokens: model.tokenization.maxLength, labels: model.labels,
                                 quantization: quantization)
    }

    var tokenization: TokenizationTask { model.tokenization }

    func runBatch(_ items: [Item], isCancelled: @escaping @Sendable (Int) -> Bool) -> [Result<TextClassificationResult, any Error>] {
        GroupedRun.run(items, key: \.options, isCancelled: isCancelled) { group, _ in
            try model.run(group.map(\.input), options: group[0].options)
        }
    }
}

/// BERT's next-sentence prediction over a checkpoint with the NSP head. Truncation was applied when the
/// pairs were prepared, so any prepared pairs batch together.
struct NextSentenceModel: ServedModel {
    typealias Item = PreparedInput

    static let task = "next-sentence"
    /// Labels in the NSP head's index order: index 0 means "the second segment follows the first".
    static let labels = ["is_next", "not_next"]
    let model: NextSentenceTask
    let metadata: ModelMetadata

    init(directory: URL, facts: CheckpointFacts, quantization: Quantization = .none, shared: SharedCheckpoints? = nil) throws {
        model = try NextSentenceTask.load(directory: directory, quantization: quantization, shared: shared)
        metadata = ModelMetadata(facts, maxInputTokens: model.tokenization.maxLength, labels: Self.labels,
                                 quantization: quantization)
    }

    var tokenization: TokenizationTask { model.tokenization }

    func runBatch(_ items: [Item], isCancelled: @escaping @Sendable (Int) -> Bool) -> [Result<NextSentenceResult, any Error>] {
        GroupedRun.run(items, key: { _ in 0 }, isCancelled: isCancelled) { group, _ in try model.run(group) }
    }
}

/// Sentence embeddings (pooled, optionally normalised, as the checkpoint's sentence-transformers files say).
struct EmbeddingModel: ServedModel {
    typealias Item = PreparedInput

    static let task = "feature-extraction"
    let model: SentenceEmbeddingTask
    let metadata: ModelMetadata

    init(directory: URL, facts: CheckpointFacts, quantization: Quantization = .none) throws {
        model = try SentenceEmbeddingTask.load(directory: directory, quantization: quantization)
        metadata = ModelMetadata(facts, maxInputTokens: model.tokenization.maxLength, quantization: quantization)
    }

    var tokenization: TokenizationTask { model.tokenization }

    func runBatch(_ items: [Item], isCancelled: @escaping @Sendable (Int) -> Bool) -> [Result<SentenceEmbeddingResult, any Error>] {
        GroupedRun.run(items, key: { _ in 0 }, isCancelled: isCancelled) { group, _ in try model.run(group) }
    }
}
