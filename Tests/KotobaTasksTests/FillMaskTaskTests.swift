import Foundation
import Testing
@testable import KotobaTasks

@Suite struct FillMaskTaskTests {
    /// Against `FillMaskPipeline`: tokens, token strings and sequences exactly, scores within 1e-4, for a single
    /// mask, two masks in one input, targets, and an F16 DistilBERT model.
    @Test func matchesTheTransformersPipeline() throws {
        let reference = try BertTaskFixtures.tasks().fill_mask
        for example in reference.cases {
            let task = try FillMaskTask.load(directory: BertTaskFixtures.model(example.model ?? reference.model))
            let result = try #require(try task.run([example.text], options: FillMaskOptions(topK: example.top_k, targets: example.targets)).first)
            #expect(result.masks.count == example.result.lists.count, "\(example.text)")
            for (mask, (actual, expected)) in zip(result.masks, example.result.lists).enumerated() {
                #expect(actual.map(\.token) == expected.map(\.token), "\(example.text) mask \(mask)")
                #expect(actual.map(\.tokenStr) == expected.map(\.token_str), "\(example.text) mask \(mask)")
                #expect(actual.map(\.sequence) == expected.map(\.sequence), "\(example.text) mask \(mask)")
                for (a, e) in zip(actual, expected) {
                    #expect(abs(a.score - e.score) <= 1e-4, "\(example.text) mask \(mask) token \(e.token): \(a.score) vs \(e.score)")
                }
            }
        }
    }

    @Test func batchedInputsGiveTheSameResultsAsSingleOnes() throws {
        let task = try FillMaskTask.load(directory: BertTaskFixtures.model("bert-mlm"))
        let texts = ["the cat [MASK] on the mat.", "a [MASK]", "paris is the [MASK] of [MASK]."]
        let together = try task.run(texts)
        for (i, text) in texts.enumerated() {
            let alone = try task.run([text])[0]
            #expect(alone.masks.map { $0.map(\.token) } == together[i].masks.map { $0.map(\.token) })
            for (a, b) in zip(alone.masks.joined(), together[i].masks.joined()) {
                #expect(abs(a.score - b.score) <= 1e-6, "\(text): \(a.score) vs \(b.score)")
            }
            #expect(alone.input == together[i].input)
        }
    }

    @Test func reportsTokenCountsAndTruncation() throws {
        let task = try FillMaskTask.load(directory: BertTaskFixtures.model("bert-mlm"))
        let long = "[MASK] " + String(repeating: "the cat sat on the mat. ", count: 8)
        let results = try task.run(["a [MASK]", long])
        #expect(results[0].input == InputReport(inputTokens: 4, removedTokens: 0))
        #expect(results[1].input.inputTokens == 40)
        #expect(results[1].input.truncated)
        #expect(throws: TaskError.inputTooLong(tokens: results[1].input.inputTokens + results[1].input.removedTokens, limit: 40)) {
            try task.run([long], options: FillMaskOptions(truncate: false))
        }
    }

    @Test func rejectsInputsWithoutAMaskAndBadTopK() throws {
        let task = try FillMaskTask.load(directory: BertTaskFixtures.model("bert-mlm"))
        #expect(throws: TaskError.invalidInput("input 1: no [MASK] token in the text")) { try task.run(["a [MASK]", "a cat"]) }
        #expect(throws: TaskError.invalidInput("top_k must be at least 1, got 0")) {
            try task.run(["a [MASK]"], options: FillMaskOptions(topK: 0))
        }
    }

    @Test func refusesAModelWithoutAnMLMHead() throws {
        #expect(throws: TaskLoadError.model(.unsupportedArchitecture(name: "BertForSequenceClassification", supported: [
            "BertForMaskedLM", "BertForPreTraining", "DistilBertForMaskedLM"]))) {
            try FillMaskTask.load(directory: BertTaskFixtures.model("bert-classifier"))
        }
    }

    @Test func refusesATokenizerLargerThanTheEmbeddingMatrix() throws {
        // Two extra vocabulary entries: ids 122 and 123 would have no embedding row.
        let directory = try BertTaskFixtures.copy("bert-mlm")
        let url = directory.appendingPathComponent("tokenizer.json")
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var model = json["model"] as! [String: Any]
        var vocab = model["vocab"] as! [String: Int]
        vocab["zebra"] = 122
        vocab["yak"] = 123
        model["vocab"] = vocab
        json["model"] = model
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        #expect(throws: TaskLoadError.vocabularyMismatch(directory: directory.path, tokenizer: 124, model: 122)) {
            try FillMaskTask.load(directory: directory)
        }
    }

    @Test func refusesATokenizerWhoseIdsSkipPastTheEmbeddingMatrix() throws {
        // As many entries as the matrix has rows, but one moved to id 300: the largest id counts, not the size.
        let directory = try BertTaskFixtures.copy("bert-mlm")
        let url = directory.appendingPathComponent("tokenizer.json")
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var model = try #require(json["model"] as? [String: Any])
        var vocab = try #require(model["vocab"] as? [String: Int])
        let moved = try #require(vocab.first { $0.value == 121 }?.key)
        vocab[moved] = 300
        model["vocab"] = vocab
        json["model"] = model
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        #expect(throws: TaskLoadError.vocabularyMismatch(directory: directory.path, tokenizer: 301, model: 122)) {
            try FillMaskTask.load(directory: directory)
        }
    }
}

@Suite struct BertTaskWireShapeTests {
    /// Results encode with the pipelines' key names, so a CLI or route can emit them as they are.
    @Test func resultsEncodeWithPipelineKeyNames() throws {
        let task = try FillMaskTask.load(directory: BertTaskFixtures.model("bert-mlm"))
        let result = try task.run(["a [MASK]"], options: FillMaskOptions(topK: 1))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(result), as: UTF8.self)
        for key in ["\"masks\"", "\"score\"", "\"token\"", "\"token_str\"", "\"sequence\"", "\"input_tokens\"",
                    "\"truncated\"", "\"removed_tokens\""] {
            #expect(json.contains(key), "\(key) missing from \(json)")
        }
        let decoded = try JSONDecoder().decode([FillMaskResult].self, from: Data(json.utf8))
        #expect(decoded == result)
    }
}
