import Foundation
import Testing
import KotobaTensor
@testable import KotobaModels

@Suite struct BertLoadErrorTests {
    /// A copy of a fixture directory whose files the test may break.
    private func copy(_ name: String) throws -> URL {
        let target = try SafeTensorsWriter.temporaryDirectory().appendingPathComponent(name)
        try FileManager.default.copyItem(at: BertFixtures.directory(name), to: target)
        return target
    }

    @Test func truncatedWeightsAreAnInvalidFileNamingTheTensor() throws {
        let directory = try copy("bert-mlm")
        let url = directory.appendingPathComponent("model.safetensors")
        let bytes = try Data(contentsOf: url)
        try bytes.prefix(bytes.count - 100).write(to: url)
        let error = #expect(throws: ModelError.self) { try BertForMaskedLM(directory: directory) }
        guard case let .invalidFile(path, reason)? = error else {
            Issue.record("expected invalidFile, got \(String(describing: error))")
            return
        }
        #expect(path == url.path)
        #expect(reason.contains("outside the data section"), "\(reason)")
    }

    @Test func corruptedHeaderIsAnInvalidFile() throws {
        let directory = try copy("bert-model")
        let url = directory.appendingPathComponent("model.safetensors")
        var bytes = try Data(contentsOf: url)
        bytes[8] = UInt8(ascii: "[")   // the JSON header no longer opens an object
        try bytes.write(to: url)
        #expect {
            try BertModel(directory: directory)
        } throws: { error in
            guard case let ModelError.invalidFile(path, reason) = error else { return false }
            return path == url.path && reason.contains("JSON")
        }
    }

    @Test func missingTensorNamesItsFullKey() throws {
        let directory = try copy("bert-classifier")
        let url = directory.appendingPathComponent("model.safetensors")
        let file = try SafeTensorsFile(path: url.path)
        let kept = try file.names.filter { $0 != "bert.encoder.layer.1.intermediate.dense.weight" }.map { ($0, try file.tensor($0)) }
        try SafeTensorsWriter.write(kept, to: url)
        #expect(throws: ModelError.missingTensor(name: "bert.encoder.layer.1.intermediate.dense.weight", file: url.path)) {
            try BertForSequenceClassification(directory: directory)
        }
    }

    @Test func configDisagreeingWithTheWeightsIsAShapeMismatch() throws {
        let directory = try copy("distilbert-model")
        let url = directory.appendingPathComponent("config.json")
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        config["hidden_dim"] = 65
        try JSONSerialization.data(withJSONObject: config).write(to: url)
        #expect(throws: ModelError.shapeMismatch(tensor: "transformer.layer.0.ffn.lin1.weight", expected: [65, 32],
                                                 found: [64, 32], file: directory.appendingPathComponent("model.safetensors").path)) {
            try DistilBertModel(directory: directory)
        }
    }

    @Test func unknownModelTypeIsUnsupportedArchitecture() throws {
        let directory = try copy("bert-model")
        let url = directory.appendingPathComponent("config.json")
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        config["model_type"] = "roberta"
        try JSONSerialization.data(withJSONObject: config).write(to: url)
        #expect(throws: ModelError.unsupportedArchitecture(name: "roberta", supported: ["bert", "distilbert", "kotoba-seq2seq", "marian", "word2vec"])) {
            try ModelRegistry.architecture(of: directory)
        }
    }

    @Test func unsupportedActivationNamesTheField() throws {
        let directory = try copy("bert-model")
        let url = directory.appendingPathComponent("config.json")
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        config["hidden_act"] = "quick_gelu"
        try JSONSerialization.data(withJSONObject: config).write(to: url)
        #expect(throws: ModelError.invalidConfig(path: url.path, field: "hidden_act", reason: "\"quick_gelu\" is not supported")) {
            try BertModel(directory: directory)
        }
    }

    @Test func inputsOutsideTheModelAreTypedErrors() throws {
        let model = try BertModel(directory: BertFixtures.directory("bert-model"))
        #expect(throws: ModelError.invalidInput("token id 122 at row 0, position 1 is outside the vocabulary of 122")) {
            try model(TokenBatch(ids: [[2, 122, 3]]))
        }
        #expect(throws: ModelError.invalidInput("token type id 2 at row 0, position 2 is outside 0..<2")) {
            try model(TokenBatch(ids: [[2, 5, 3]], typeIds: [[0, 0, 2]]))
        }
        #expect(throws: ModelError.invalidInput("sequence of 41 tokens exceeds max_position_embeddings 40")) {
            try model(TokenBatch(ids: [Array(repeating: 5, count: 41)]))
        }
        #expect(throws: ModelError.invalidInput("attention_mask does not match input_ids row for row")) {
            try TokenBatch(ids: [[2, 3]], attentionMask: [[1]])
        }
    }
}
