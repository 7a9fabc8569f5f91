import Foundation
import Testing
import KotobaTensor
@testable import KotobaModels

/// Bad inputs and bad checkpoints are typed errors that name the thing, never a crash.
@Suite struct MarianErrorTests {
    let fixture: MarianFixture

    init() throws { fixture = try MarianFixture() }

    @Test func sourceTokenOutsideTheVocabularyIsInvalidInput() {
        #expect(throws: GenerationError.model(.invalidInput("source sentence 1: token id 100 outside vocabulary of 100"))) {
            try fixture.model.generate([[5, 0], [100, 0]])
        }
        #expect(throws: GenerationError.model(.invalidInput("source sentence 0 is empty"))) {
            try fixture.model.generate([[]])
        }
    }

    @Test func sourceLongerThanThePositionTableIsInvalidInput() {
        #expect(throws: ModelError.invalidInput("source sentence 0 has 65 tokens; max_position_embeddings is 64")) {
            try fixture.model.encode([Array(repeating: 5, count: 65)])
        }
    }

    @Test func generationOptionsOutOfRangeAreInvalidInput() {
        var options = fixture.model.generationConfig
        options.numReturnSequences = 5
        #expect(throws: GenerationError.invalidOption(name: "num_return_sequences", reason: "must be in 1...4, is 5")) {
            try fixture.model.generate([[5, 0]], options: options)
        }
        options = fixture.model.generationConfig
        options.maxLength = 65
        #expect(throws: GenerationError.invalidOption(name: "max_length", reason: "is 65; max_position_embeddings is 64")) {
            try fixture.model.generate([[5, 0]], options: options)
        }
        options = fixture.model.generationConfig
        options.badWordsIds = [[100]]
        #expect(throws: GenerationError.invalidOption(name: "token ids", reason: "100 is outside the vocabulary of 100")) {
            try fixture.model.generate([[5, 0]], options: options)
        }
    }

    /// A copy of the fixture directory with `edit` applied to config.json and `drop` left out of the weights.
    private func variant(config edit: (inout [String: Any]) -> Void = { _ in }, drop: String? = nil,
                         name: String = #function) throws -> URL {
        let directory = try SafeTensorsWriter.temporaryDirectory(name)
        let source = MarianFixture.directory
        var config = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: source.appendingPathComponent("config.json"))) as? [String: Any])
        edit(&config)
        try JSONSerialization.data(withJSONObject: config).write(to: directory.appendingPathComponent("config.json"))
        let store = try WeightStore(directory: source)
        let tensors = try store.names.filter { $0 != drop }.map { ($0, try store.tensor($0)) }
        try SafeTensorsWriter.write(tensors, to: directory.appendingPathComponent("model.safetensors"))
        return directory
    }

    @Test func missingLayerTensorNamesItsFullKey() throws {
        let directory = try variant(drop: "model.decoder.layers.1.encoder_attn.v_proj.weight")
        let path = directory.appendingPathComponent("model.safetensors").path
        #expect(throws: ModelError.missingTensor(name: "model.decoder.layers.1.encoder_attn.v_proj.weight", file: path)) {
            try MarianMTModel(directory: directory)
        }
    }

    @Test func unsupportedActivationNamesTheField() throws {
        let directory = try variant(config: { $0["activation_function"] = "mish" })
        let path = directory.appendingPathComponent("config.json").path
        #expect(throws: ModelError.invalidConfig(
            path: path, field: "activation_function",
            reason: "is \"mish\"; supported: swish, silu, gelu, gelu_new, relu")) {
            try MarianMTModel(directory: directory)
        }
    }

    @Test func cancellationBeforeAStepThrowsWithNoPartialResult() {
        for beams in [1, 4] {
            var options = fixture.model.generationConfig
            options.numBeams = beams
            let steps = PollCounter()
            #expect(throws: GenerationError.cancelled(step: 2)) {
                try fixture.model.generate(fixture.sources, options: options, isCancelled: { steps.next() >= 2 })
            }
        }
    }

    @Test func headsThatDoNotDivideTheWidthAreRejected() throws {
        let directory = try variant(config: { $0["decoder_attention_heads"] = 5 })
        let path = directory.appendingPathComponent("config.json").path
        #expect(throws: ModelError.invalidConfig(path: path, field: "decoder_attention_heads",
                                                 reason: "must divide d_model 32, is 5")) {
            try MarianMTModel(directory: directory)
        }
    }

    @Test func withoutGenerationConfigTheModelConfigTokensAndTransformersDefaultsApply() throws {
        let directory = try variant()
        let model = try MarianMTModel(directory: directory)
        #expect(model.generationConfig.numBeams == 1 && model.generationConfig.maxLength == 20)
        #expect(model.generationConfig.forcedEOSTokenId == 0 && model.generationConfig.decoderStartTokenId == 99)
        #expect(model.generationConfig.badWordsIds.isEmpty)
    }
}

/// Counts the polls of a cancellation closure.
private final class PollCounter: @unchecked Sendable {
    private var count = 0
    func next() -> Int {
        count += 1
        return count - 1
    }
}
