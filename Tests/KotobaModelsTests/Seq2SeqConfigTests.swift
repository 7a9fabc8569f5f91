import Foundation
import Testing
@testable import KotobaModels
import KotobaTensor

/// config.json decoding and loading failures: each names the field or tensor at fault.
@Suite struct Seq2SeqConfigTests {
    /// A copy of a fixture model whose config.json has `edit` applied.
    private func editedCopy(of variant: String, _ edit: (inout [String: Any]) -> Void) throws -> URL {
        let directory = try SafeTensorsWriter.temporaryDirectory()
        let source = Seq2SeqFixtures.directory(variant)
        try FileManager.default.copyItem(at: source.appendingPathComponent("model.safetensors"),
                                         to: directory.appendingPathComponent("model.safetensors"))
        let data = try Data(contentsOf: source.appendingPathComponent("config.json"))
        var config = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        edit(&config)
        try JSONSerialization.data(withJSONObject: config).write(to: directory.appendingPathComponent("config.json"))
        return directory
    }

    private func loadError(_ directory: URL) -> ModelError? {
        do {
            _ = try Seq2SeqModel.load(directory: directory)
            return nil
        } catch { return error }
    }

    @Test func decodesEveryFixtureConfig() throws {
        for variant in Seq2SeqFixtures.variants {
            let config = try Seq2SeqConfig.load(directory: Seq2SeqFixtures.directory(variant))
            #expect(config.tgtVocabSize == 56 && config.srcVocabSize == 48 && config.eosTokenID == 2)
        }
        let gru = try Seq2SeqConfig.load(directory: Seq2SeqFixtures.directory("gru_bahdanau_bi"))
        #expect(gru.cellType == .gru && gru.attentionType == .bahdanau && gru.attentionSize == 20 && gru.memorySize == 48)
        let peephole = try Seq2SeqConfig.load(directory: Seq2SeqFixtures.directory("lstm_peephole_bahdanau_bi"))
        #expect(peephole.cellType == .lstmPeephole && peephole.memorySize == 24)
    }

    @Test func unsupportedCellTypeNamesTheFieldAndTheChoices() throws {
        let directory = try editedCopy(of: "rnn_tanh_dot") { $0["cell_type"] = "transformer" }
        let path = directory.appendingPathComponent("config.json").path
        #expect(loadError(directory) == .invalidConfig(path: path, field: "cell_type",
            reason: "unsupported cell type \"transformer\"; supported: rnn_tanh, rnn_relu, lstm, lstm_peephole, gru"))
    }

    @Test func missingFieldIsNamed() throws {
        let directory = try editedCopy(of: "rnn_tanh_dot") { $0.removeValue(forKey: "hidden_size") }
        let path = directory.appendingPathComponent("config.json").path
        #expect(loadError(directory) == .invalidConfig(path: path, field: "hidden_size", reason: "is missing"))
    }

    @Test func otherModelTypeIsRefused() throws {
        let directory = try editedCopy(of: "rnn_tanh_dot") { $0["model_type"] = "marian" }
        guard case let .invalidConfig(_, field, _)? = loadError(directory) else {
            Issue.record("expected invalidConfig")
            return
        }
        #expect(field == "model_type")
    }

    @Test func dotAttentionOverBidirectionalMemoryIsRefused() throws {
        let directory = try editedCopy(of: "gru_bahdanau_bi") { $0["attention_type"] = "luong_dot" }
        guard case let .invalidConfig(_, field, _)? = loadError(directory) else {
            Issue.record("expected invalidConfig")
            return
        }
        #expect(field == "attention_type")
    }

    @Test func vocabularySizeDisagreeingWithEmbeddingIsAShapeError() throws {
        let directory = try editedCopy(of: "rnn_tanh_dot") { $0["tgt_vocab_size"] = 57 }
        #expect(loadError(directory) == .shapeMismatch(tensor: "decoder.embedding.weight", expected: [57, 16],
                                                      found: [56, 16],
                                                      file: directory.appendingPathComponent("model.safetensors").path))
    }

    @Test func peepholeConfigOverPlainLSTMWeightsReportsTheMissingPeepholes() throws {
        let directory = try editedCopy(of: "lstm_general_feed_tied") { $0["cell_type"] = "lstm_peephole" }
        #expect(loadError(directory) == .missingTensor(name: "encoder.rnn.layers.0.weight_peephole_l0",
                                                      file: directory.appendingPathComponent("model.safetensors").path))
    }

    @Test func untiedConfigOverTiedWeightsReportsTheMissingProjection() throws {
        let directory = try editedCopy(of: "lstm_general_feed_tied") { $0["tie_embeddings"] = false }
        guard case let .missingTensor(name, _)? = loadError(directory) else {
            Issue.record("expected missingTensor")
            return
        }
        #expect(name == "decoder.output.weight")
    }
}
