import Foundation
import Testing
@testable import KotobaTasks

@Suite struct SentenceEmbeddingTaskTests {
    /// Mean pooling over real tokens then L2 normalisation (modules.json: Transformer → Pooling → Normalize),
    /// within 1e-4 of the same computation in PyTorch, on a batch whose last input is truncated to 40 tokens.
    @Test func meanPooledNormalizedMatchesReference() throws {
        let reference = try BertTaskFixtures.tasks().sentence_embedding
        let task = try SentenceEmbeddingTask.load(directory: BertTaskFixtures.model(reference.model))
        #expect(task.pooling == .mean && task.normalize)
        let results = try task.run(reference.texts)
        let width = reference.mean_normalized.shape[1]
        for (row, result) in results.enumerated() {
            let expected = reference.mean_normalized.data[(row * width)..<((row + 1) * width)]
            let worst = zip(result.embedding, expected).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worst <= 1e-4, "sentence \(row): worst difference \(worst)")
            #expect(result.input.inputTokens == reference.token_counts[row])
        }
        #expect(results.last?.input.truncated == true)
        #expect(results.dropLast().allSatisfy { !$0.input.truncated })
    }

    @Test func clsPoolingWithoutNormalizeReadsTheFirstHiddenState() throws {
        let reference = try BertTaskFixtures.tasks().sentence_embedding
        let directory = try BertTaskFixtures.copy(reference.model)
        let pooling = #"{"word_embedding_dimension": 32, "pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false}"#
        try Data(pooling.utf8).write(to: directory.appendingPathComponent("1_Pooling/config.json"))
        let modules = #"[{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"},{"idx":1,"name":"1","path":"1_Pooling","type":"sentence_transformers.models.Pooling"}]"#
        try Data(modules.utf8).write(to: directory.appendingPathComponent("modules.json"))
        let task = try SentenceEmbeddingTask.load(directory: directory)
        #expect(task.pooling == .cls && !task.normalize)
        let results = try task.run(reference.texts)
        let width = reference.cls.shape[1]
        for (row, result) in results.enumerated() {
            let expected = reference.cls.data[(row * width)..<((row + 1) * width)]
            let worst = zip(result.embedding, expected).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worst <= 1e-4, "sentence \(row): worst difference \(worst)")
        }
    }

    @Test func unsupportedModuleIsRefusedByName() throws {
        let directory = try BertTaskFixtures.copy("bert-model")
        let modules = #"[{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"},{"idx":1,"name":"1","path":"1_Pooling","type":"sentence_transformers.models.Pooling"},{"idx":2,"name":"2","path":"2_Dense","type":"sentence_transformers.models.Dense"}]"#
        try Data(modules.utf8).write(to: directory.appendingPathComponent("modules.json"))
        #expect(throws: TaskLoadError.invalidLayout(path: directory.appendingPathComponent("modules.json").path,
                                                    reason: "module type \"sentence_transformers.models.Dense\" is not supported (supported: Transformer, Pooling, Normalize)")) {
            try SentenceEmbeddingTask.load(directory: directory)
        }
    }

    @Test func distilBertEncoderEmbedsWithoutSegmentIds() throws {
        // No modules.json: a plain transformers model, mean-pooled, not normalised.
        let task = try SentenceEmbeddingTask.load(directory: BertTaskFixtures.model("distilbert-model"))
        #expect(task.pooling == .mean && !task.normalize)
        let results = try task.run(["a dog", "the cat sat on the mat."])
        #expect(results.map(\.embedding.count) == [32, 32])
    }
}
