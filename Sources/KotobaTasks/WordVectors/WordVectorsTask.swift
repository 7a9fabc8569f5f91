import Foundation
import KotobaModels

/// Word similarity and vector look-up over word2vec vectors (`/similar`, `/word-vectors`).
///
/// Words are looked up as given, then lower-cased when the vocabulary has no upper-case word (so "Tokyo"
/// finds "tokyo" in a lower-cased model, and an upper-case word in a cased model is its own word).
package struct WordVectorsTask: Sendable {
    package let vectors: WordVectors
    package let isLowercase: Bool

    package init(vectors: WordVectors) {
        self.vectors = vectors
        isLowercase = vectors.isLowercase
    }

    /// Loads the folder's `vectors.bin` or `vectors.txt` through the model registry.
    package static func load(directory: URL) throws(TaskLoadError) -> WordVectorsTask {
        let loaded: any Sendable
        do { loaded = try ModelRegistry.load(directory, for: .wordVectors) } catch { throw .model(error) }
        guard let vectors = loaded as? WordVectors else {
            throw .model(.invalidFile(path: directory.path, reason: "the registry's word-vectors loader returned another type"))
        }
        return WordVectorsTask(vectors: vectors)
    }

    /// The files a word-vector folder holds (one of them), as the model registry recognises it.
    package static var fileNames: [String] { WordVectors.fileNames }
    /// The architecture name `/v1/models` shows for such a folder.
    package static var architectureName: String { ModelArchitecture.word2vec.rawValue }

    package var vocabularySize: Int { vectors.words.count }
    package var dimensions: Int { vectors.dimensions }

    /// The row of `word`, as given or lower-cased (see the type's note), or nil.
    package func row(of word: String) -> Int? {
        if let row = vectors.row(of: word) { return row }
        return isLowercase ? vectors.row(of: word.lowercased()) : nil
    }

    /// The query in rows; every unknown word is named in one error.
    package func query(positive: [String], negative: [String], method: SimilarityMethod,
                       topK: Int) throws(TaskError) -> SimilarityQuery {
        guard !positive.isEmpty || !negative.isEmpty else { throw .invalidInput("give at least one word in positive") }
        let unknown = (positive + negative).filter { row(of: $0) == nil }
        guard unknown.isEmpty else {
            throw .invalidInput("not in the vocabulary: \(unknown.map { "\"\($0)\"" }.joined(separator: ", "))")
        }
        if method == .multiply && positive.isEmpty {
            throw .invalidInput("3cosmul needs at least one positive word")
        }
        return SimilarityQuery(positive: positive.compactMap(row(of:)), negative: negative.compactMap(row(of:)),
                               method: method, topK: min(topK, vocabularySize))
    }

    /// The answers to `queries`, batched into one matrix product: words and cosine (or 3CosMul) scores.
    package func mostSimilar(_ queries: [SimilarityQuery]) -> [[(word: String, score: Float)]] {
        vectors.mostSimilar(queries).map { answer in answer.map { (vectors.words[$0.row], $0.score) } }
    }

    /// The stored (not normalised) vector of each word, nil for a word not in the vocabulary.
    package func rawVectors(_ words: [String]) -> [[Float]?] {
        words.map { word in
            row(of: word).map { row in
                Array(vectors.vectors.storage[(row * dimensions)..<((row + 1) * dimensions)])
            }
        }
    }
}

/// The model layer's query types, as the service names them (it imports KotobaTasks, not KotobaModels).
package typealias SimilarityMethod = KotobaModels.SimilarityMethod
package typealias SimilarityQuery = KotobaModels.SimilarityQuery
