import Foundation
import KotobaTasks

/// A queue item of the word-vectors task: a similarity query in rows, or words to look up.
enum WordVectorsItem: Sendable, QueueItem {
    case similar(SimilarityQuery)
    case lookup([String])

    /// Words in the query: what the batch budget counts.
    var tokenCount: Int {
        switch self {
        case let .similar(query): query.positive.count + query.negative.count
        case let .lookup(words): words.count
        }
    }
}

/// What one item answers.
enum WordVectorsOutput: Sendable {
    case similar([(word: String, score: Float)])
    case vectors([[Float]?])
}

/// word2vec vectors serving `/similar` and `/word-vectors`. The similarity queries of a batch share one
/// matrix product (`WordVectors.mostSimilar`).
struct WordVectorsModel: ServedModel {
    typealias Item = WordVectorsItem

    static let task = "word-vectors"
    let model: WordVectorsTask
    let metadata: ModelMetadata

    init(directory: URL, facts: CheckpointFacts, quantization: Quantization = .none) throws {
        // Vectors have no linear layers: asking to quantize them is a configuration mistake worth naming.
        guard quantization == .none else { throw WordVectorsQuantizationRefused() }
        model = try WordVectorsTask.load(directory: directory)
        metadata = ModelMetadata(architecture: facts.architecture, parameterCount: facts.parameterCount,
                                 weightsSHA256: facts.weightsSHA256, vocabularySize: model.vocabularySize,
                                 dimensions: model.dimensions)
    }

    func runBatch(_ items: [Item], isCancelled: @escaping @Sendable (Int) -> Bool) -> [Result<WordVectorsOutput, any Error>] {
        var results = [Result<WordVectorsOutput, any Error>](repeating: .failure(TaskError.cancelled), count: items.count)
        var queries: [SimilarityQuery] = []
        var queryItems: [Int] = []
        for (index, item) in items.enumerated() where !isCancelled(index) {
            switch item {
            case let .similar(query):
                queries.append(query)
                queryItems.append(index)
            case let .lookup(words):
                results[index] = .success(.vectors(model.rawVectors(words)))
            }
        }
        for (index, answer) in zip(queryItems, model.mostSimilar(queries)) {
            results[index] = .success(.similar(answer))
        }
        return results
    }
}

/// `"quantization"` on a word-vectors entry, which has no linear layers to quantize.
struct WordVectorsQuantizationRefused: Error, CustomStringConvertible {
    var description: String { "word vectors have no linear layers to quantize; remove \"quantization\" from this entry" }
}
