import Foundation
import Testing
import KotobaTensor
@testable import KotobaModels

/// One fixture model and how to get its named outputs from Kotoba.
struct ParityModel: CustomStringConvertible, Sendable {
    let description: String
    let run: @Sendable (URL, TokenBatch) throws -> [String: Tensor]
}

let parityModels: [ParityModel] = [
    ParityModel(description: "bert-model") { dir, batch in
        let out = try BertModel(directory: dir)(batch)
        return ["last_hidden_state": out.sequence, "pooler_output": out.pooled ?? Tensor(shape: [0])]
    },
    ParityModel(description: "bert-mlm") { dir, batch in ["logits": try BertForMaskedLM(directory: dir)(batch)] },
    ParityModel(description: "bert-pretraining") { dir, batch in
        let out = try BertForPreTraining(directory: dir)(batch)
        return ["prediction_logits": out.predictionLogits, "seq_relationship_logits": out.seqRelationshipLogits]
    },
    ParityModel(description: "bert-nsp") { dir, batch in ["logits": try BertForNextSentencePrediction(directory: dir)(batch)] },
    ParityModel(description: "bert-classifier") { dir, batch in ["logits": try BertForSequenceClassification(directory: dir)(batch)] },
    ParityModel(description: "bert-multilabel") { dir, batch in ["logits": try BertForSequenceClassification(directory: dir)(batch)] },
    ParityModel(description: "distilbert-model") { dir, batch in ["last_hidden_state": try DistilBertModel(directory: dir)(batch)] },
    ParityModel(description: "distilbert-mlm") { dir, batch in ["logits": try DistilBertForMaskedLM(directory: dir)(batch)] },
    ParityModel(description: "distilbert-classifier") { dir, batch in
        ["logits": try DistilBertForSequenceClassification(directory: dir)(batch)]
    },
]

@Suite struct BertParityTests {
    /// Every output of every architecture against transformers, within 1e-4, on a padded batch of mixed lengths
    /// and on sentence pairs with token_type_ids; top-5 ids must match exactly.
    @Test(arguments: parityModels)
    func matchesTransformers(_ model: ParityModel) throws {
        let directory = BertFixtures.directory(model.description)
        for reference in try BertFixtures.reference(model.description) {
            var inputs = reference.inputs
            if model.description.hasPrefix("distilbert") { inputs["token_type_ids"] = nil }
            let batch = try BertFixtures.batch(inputs)
            let outputs = try model.run(directory, batch)
            for (key, expected) in reference.outputs {
                if let array = expected.array {
                    let actual = try #require(outputs[key], "\(model) produced no \(key)")
                    expectClose(actual, array, "\(model) \(reference.name) \(key)")
                    if ProcessInfo.processInfo.environment["KOTOBA_PARITY_REPORT"] != nil {
                        print("parity \(model) \(reference.name) \(key): worst |Δ| \(worstDifference(actual, array))")
                    }
                } else if let ids = expected.ids {
                    let logits = try #require(outputs[String(key.dropLast("_top5".count))])
                    let top = logits.topK(5).map { $0.map(\.index) }
                    #expect(top == ids.flatMap { $0 }, "\(model) \(reference.name) \(key)")
                }
            }
        }
    }

    @Test func paddingDoesNotChangeAnySequencesResult() throws {
        // Each sequence of the padded batch, run alone without padding, gives the same hidden states.
        let model = try BertModel(directory: BertFixtures.directory("bert-model"))
        let reference = try BertFixtures.reference("bert-model")[0]
        let batch = try BertFixtures.batch(reference.inputs)
        let together = try model(batch)
        for (row, count) in batch.tokenCounts.enumerated() {
            let ids = Array(reference.inputs["input_ids"]![row].prefix(count))
            let alone = try model(TokenBatch(ids: [ids]))
            let width = together.sequence.shape[2]
            let start = row * batch.length * width
            let batched = Array(together.sequence.storage[start..<(start + count * width)])
            let difference = zip(batched, alone.sequence.storage).map { abs($0 - $1) }.max() ?? 0
            #expect(difference <= 1e-5, "row \(row): batched vs alone differ by \(difference)")
            let pooledDifference = zip(together.pooled!.slice(row).storage, alone.pooled!.storage).map { abs($0 - $1) }.max() ?? 0
            #expect(pooledDifference <= 1e-5, "row \(row): pooled output differs by \(pooledDifference)")
        }
    }

    @Test func legacyGammaBetaCheckpointGivesIdenticalOutputs() throws {
        // Rewrite the fixture with every LayerNorm.weight/bias spelled gamma/beta, as TF-converted checkpoints are.
        let source = BertFixtures.directory("bert-model")
        let legacy = try SafeTensorsWriter.temporaryDirectory()
        let file = try SafeTensorsFile(path: source.appendingPathComponent("model.safetensors").path)
        var renamed = 0
        let tensors = try file.names.map { name -> (String, Tensor) in
            var key = name
            if key.hasSuffix("LayerNorm.weight") { key = String(key.dropLast(6)) + "gamma"; renamed += 1 }
            if key.hasSuffix("LayerNorm.bias") { key = String(key.dropLast(4)) + "beta"; renamed += 1 }
            return (key, try file.tensor(name))
        }
        #expect(renamed == 10)
        try SafeTensorsWriter.write(tensors, to: legacy.appendingPathComponent("model.safetensors"))
        try FileManager.default.copyItem(at: source.appendingPathComponent("config.json"),
                                         to: legacy.appendingPathComponent("config.json"))
        let batch = try BertFixtures.batch(try BertFixtures.reference("bert-model")[1].inputs)
        let modern = try BertModel(directory: source)(batch)
        let old = try BertModel(directory: legacy)(batch)
        #expect(modern.sequence == old.sequence)
        #expect(modern.pooled == old.pooled)
    }

    @Test func f16CheckpointIsStoredAsF16() throws {
        // Guards the fixture itself: the DistilBERT MLM parity above must exercise the F16 conversion path.
        let file = try SafeTensorsFile(path: BertFixtures.directory("distilbert-mlm").appendingPathComponent("model.safetensors").path)
        #expect(file.entries.values.allSatisfy { $0.dtype == .f16 })
    }
}
