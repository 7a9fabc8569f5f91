import Foundation
import KotobaTasks

/// Fill-mask over a masked-LM checkpoint.
struct FillMaskModel: TokenizerServedModel {
    struct Item: Sendable {
        var text: String
        var options: FillMaskOptions
    }

    static let task = "fill-mask"
    let model: FillMaskTask
    let tokenization: TokenizationTask
    let metadata: ModelMetadata

    init(directory: URL, facts: CheckpointFacts, shared: SharedCheckpoints? = nil) throws {
        model = try FillMaskTask.load(directory: directory, shared: shared)
        tokenization = try TokenizationTask.load(directory: directory, maxLength: facts.maxPositions ?? .max)
        metadata = ModelMetadata(facts, maxInputTokens: tokenization.maxLength)
    }

    func runBatch(_ items: [Item], isCancelled: @escaping @Sendable (Int) -> Bool) -> [Result<FillMaskResult, any Error>] {
        GroupedRun.run(items, key: \.options, isCancelled: isCancelled) { group, _ in
            try model.run(group.map(\.text), options: group[0].options)
        }
    }
}

/// Sequence classification (sentiment and the like) over a classifier checkpoint.
struct ClassificationModel: TokenizerServedModel {
    struct Item: Sendable {
        var text: String
        var options: TextClassificationOptions
    }

    static let task = "text-classification"
    let model: TextClassificationTask
    let tokenization: TokenizationTask
    let metadata: ModelMetadata

    init(directory: URL, facts: CheckpointFacts) throws {
        model = try TextClassificationTask.load(directory: directory)
        tokenization = try TokenizationTask.load(directory: directory, maxLength: facts.maxPositions ?? .max)
        metadata = ModelMetadata(facts, maxInputTokens: tokenization.maxLength, labels: model.labels)
    }

    func runBatch(_ items: [Item], isCancelled: @escaping @Sendable (Int) -> Bool) -> [Result<TextClassificationResult, any Error>] {
        GroupedRun.run(items, key: \.options, isCancelled: isCancelled) { group, _ in
            try model.run(group.map(\.text), options: group[0].options)
        }
    }
}

/// BERT's next-sentence prediction over a checkpoint with the NSP head.
struct NextSentenceModel: TokenizerServedModel {
    struct Item: Sendable {
        var pair: SentencePair
        var truncation: InputTruncation
    }

    static let task = "next-sentence"
    /// Labels in the NSP head's index order: index 0 means "the second segment follows the first".
    static let labels = ["is_next", "not_next"]
    let model: NextSentenceTask
    let tokenization: TokenizationTask
    let metadata: ModelMetadata

    init(directory: URL, facts: CheckpointFacts, shared: SharedCheckpoints? = nil) throws {
        model = try NextSentenceTask.load(directory: directory, shared: shared)
        tokenization = try TokenizationTask.load(directory: directory, maxLength: facts.maxPositions ?? .max)
        metadata = ModelMetadata(facts, maxInputTokens: tokenization.maxLength, labels: Self.labels)
    }

    func runBatch(_ items: [Item], isCancelled: @escaping @Sendable (Int) -> Bool) -> [Result<NextSentenceResult, any Error>] {
        GroupedRun.run(items, key: \.truncation, isCancelled: isCancelled) { group, _ in
            try model.run(group.map(\.pair), truncate: group[0].truncation.truncate, side: group[0].truncation.side)
        }
    }
}

/// Sentence embeddings (pooled, optionally normalised, as the checkpoint's sentence-transformers files say).
struct EmbeddingModel: TokenizerServedModel {
    struct Item: Sendable {
        var text: String
        var truncation: InputTruncation
    }

    static let task = "feature-extraction"
    let model: SentenceEmbeddingTask
    let tokenization: TokenizationTask
    let metadata: ModelMetadata

    init(directory: URL, facts: CheckpointFacts) throws {
        model = try SentenceEmbeddingTask.load(directory: directory)
        tokenization = try TokenizationTask.load(directory: directory, maxLength: facts.maxPositions ?? .max)
        metadata = ModelMetadata(facts, maxInputTokens: tokenization.maxLength)
    }

    func runBatch(_ items: [Item], isCancelled: @escaping @Sendable (Int) -> Bool) -> [Result<SentenceEmbeddingResult, any Error>] {
        GroupedRun.run(items, key: \.truncation, isCancelled: isCancelled) { group, _ in
            try model.run(group.map(\.text), truncate: group[0].truncation.truncate, side: group[0].truncation.side)
        }
    }
}
