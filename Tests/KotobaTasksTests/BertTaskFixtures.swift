import Foundation
import Testing
@testable import KotobaTasks

/// The BERT task references `training/fixtures/bert.py` writes (transformers pipelines on the model fixtures).
enum BertTaskFixtures {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    /// The model directories live with the model tests; the task references beside these tests.
    static let models = here.deletingLastPathComponent().appendingPathComponent("KotobaModelsTests/Fixtures/bert")

    static func model(_ name: String) -> URL { models.appendingPathComponent(name) }

    struct Candidate: Decodable {
        var score: Float
        var token: Int
        var token_str: String
        var sequence: String
    }

    /// A fill-mask pipeline result: one list for a single mask, a list of lists for several.
    struct MaskLists: Decodable {
        var lists: [[Candidate]]
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let nested = try? container.decode([[Candidate]].self) { lists = nested } else { lists = [try container.decode([Candidate].self)] }
        }
    }

    struct FillMaskCase: Decodable {
        var model: String?
        var text: String
        var top_k: Int
        var targets: [String]?
        var result: MaskLists
    }

    struct LabelCase: Decodable {
        var model: String
        var text: String
        var top_k: Int?
        var result: [LabelEntry]
    }

    struct LabelEntry: Decodable {
        var label: String
        var score: Float
    }

    struct NextSentenceCase: Decodable {
        var first: String
        var second: String
        var is_next: Float
    }

    struct FloatArray: Decodable {
        var shape: [Int]
        var data: [Float]
    }

    struct Tasks: Decodable {
        struct FillMask: Decodable { var model: String; var cases: [FillMaskCase] }
        struct Classification: Decodable { var cases: [LabelCase] }
        struct NextSentence: Decodable { var model: String; var cases: [NextSentenceCase] }
        struct Embedding: Decodable {
            var model: String
            var texts: [String]
            var token_counts: [Int]
            var mean_normalized: FloatArray
            var cls: FloatArray
        }
        var fill_mask: FillMask
        var text_classification: Classification
        var next_sentence: NextSentence
        var sentence_embedding: Embedding
    }

    static func tasks() throws -> Tasks {
        struct File: Decodable { var tasks: Tasks }
        let data = try Data(contentsOf: here.appendingPathComponent("Fixtures/bert/reference.json"))
        return try JSONDecoder().decode(File.self, from: data).tasks
    }

    /// A writable copy of a model fixture.
    static func copy(_ name: String) throws -> URL {
        let target = FileManager.default.temporaryDirectory
            .appendingPathComponent("kotoba-task-\(UUID().uuidString)").appendingPathComponent(name)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: model(name), to: target)
        return target
    }
}
