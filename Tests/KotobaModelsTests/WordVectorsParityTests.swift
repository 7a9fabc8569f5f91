import Foundation
import Testing
@testable import KotobaModels

/// gensim's `most_similar` and `most_similar_cosmul` on tiny skip-gram and CBOW models in both file formats
/// (training/fixtures/word2vec.py): the same words in the same order, scores within 1e-5.
@Suite struct WordVectorsParityTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/word2vec")

    struct Reference: Decodable {
        struct Model: Decodable {
            let file: String
            let words: Int
            let dimensions: Int
            let queries: [String: Query]
            let vectors: [String: [Float]]
        }
        struct Query: Decodable {
            let positive: [String]
            let negative: [String]
            let method: String
            let results: [[Entry]]
        }
        enum Entry: Decodable {
            case word(String)
            case score(Double)
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let word = try? container.decode(String.self) { self = .word(word) } else { self = .score(try container.decode(Double.self)) }
            }
        }
        let topn: Int
        let models: [String: Model]
    }

    static func reference() throws -> Reference {
        try JSONDecoder().decode(Reference.self, from: Data(contentsOf: folder.appendingPathComponent("reference.json")))
    }

    @Test(arguments: ["skipgram-bin", "skipgram-txt", "cbow-bin", "cbow-txt"])
    func mostSimilarMatchesGensim(model name: String) throws {
        let reference = try Self.reference()
        let expected = try #require(reference.models[name])
        let vectors = try WordVectors.load(directory: Self.folder.appendingPathComponent(name))
        #expect(vectors.words.count == expected.words && vectors.dimensions == expected.dimensions)
        for (word, values) in expected.vectors {
            let row = try #require(vectors.row(of: word))
            let stored = Array(vectors.vectors.storage[(row * vectors.dimensions)..<((row + 1) * vectors.dimensions)])
            #expect(zip(stored, values).allSatisfy { abs($0 - $1) <= 1e-7 * max(1, abs($1)) }, "\(name) \(word)")
        }
        let names = expected.queries.keys.sorted()
        let queries = try names.map { key -> SimilarityQuery in
            let query = expected.queries[key]!
            return SimilarityQuery(positive: try query.positive.map { try #require(vectors.row(of: $0)) },
                                   negative: try query.negative.map { try #require(vectors.row(of: $0)) },
                                   method: try #require(SimilarityMethod(rawValue: query.method)), topK: reference.topn)
        }
        // All queries in one batch, as the service runs them, then each alone: the same answers.
        let batched = vectors.mostSimilar(queries)
        for (index, key) in names.enumerated() {
            let alone = vectors.mostSimilar([queries[index]])[0]
            for answer in [batched[index], alone] {
                let words = answer.map { vectors.words[$0.row] }
                let expectedWords = expected.queries[key]!.results.map { entry -> String in
                    if case let .word(word) = entry[0] { return word } else { return "?" }
                }
                let expectedScores = expected.queries[key]!.results.map { entry -> Double in
                    if case let .score(score) = entry[1] { return score } else { return .nan }
                }
                #expect(words == expectedWords, "\(name) \(key)")
                let worst = zip(answer.map(\.score), expectedScores).map { abs(Double($0) - $1) }.max() ?? 0
                #expect(worst <= 1e-5, "\(name) \(key): scores differ by \(worst)")
            }
        }
    }

    @Test func topKIsAPartialSortThatLeavesOutTheQuery() {
        let scores: [Float] = [0.1, 0.9, 0.5, 0.9, 0.3, 0.7]
        scores.withUnsafeBufferPointer { all in
            let best = WordVectors.topK(3, of: all, excluding: [1])
            #expect(best == [SimilarWord(row: 3, score: 0.9), SimilarWord(row: 5, score: 0.7), SimilarWord(row: 2, score: 0.5)])
            #expect(WordVectors.topK(10, of: UnsafeBufferPointer(rebasing: all[0..<3]), excluding: []).map(\.row) == [1, 2, 0])
            #expect(WordVectors.topK(0, of: all, excluding: []).isEmpty)
            // Ties keep the lower row: rows 1 and 3 both score 0.9.
            #expect(WordVectors.topK(1, of: all, excluding: []) == [SimilarWord(row: 1, score: 0.9)])
        }
    }
}
