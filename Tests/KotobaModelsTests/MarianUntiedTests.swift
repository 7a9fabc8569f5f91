import Foundation
import Testing
import KotobaTensor
@testable import KotobaModels

/// The second fixture: separate source (120) and target (100) vocabularies, an untied `lm_head`, gelu, no embedding
/// scale, two decoder heads (training/fixtures/marian.py, `untied_variant`).
@Suite struct MarianUntiedTests {
    struct References: Decodable {
        var input_ids: [[Int]]
        var attention_mask: [[Int]]
        var decoder_input_ids: [[Int]]
        var encoder_hidden: [[[Float]]]
        var decoder_logits: [[[Float]]]
        var generate: [String: MarianFixture.Generation]
    }

    let model: MarianMTModel
    let references: References
    let sources: [[Int]]

    init() throws {
        let directory = MarianFixture.directory.deletingLastPathComponent().appendingPathComponent("marian-untied")
        model = try MarianMTModel(directory: directory)
        references = try JSONDecoder().decode(
            References.self, from: Data(contentsOf: directory.appendingPathComponent("references.json")))
        sources = zip(references.input_ids, references.attention_mask).map { Array($0.prefix($1.reduce(0, +))) }
    }

    @Test func configReadsTheUntiedLayout() {
        #expect(model.config.vocabSize == 120 && model.config.decoderVocabSize == 100)
        #expect(!model.config.shareEmbeddings && !model.config.tieWordEmbeddings && !model.config.scaleEmbedding)
        #expect(model.config.activation == .gelu && model.config.decoderHeads == 2)
    }

    @Test func encoderAndTeacherForcedLogitsMatchWithin1e4() throws {
        let encoded = try model.encode(sources)
        let hidden = worstDifference(Array(encoded.hidden), references.encoder_hidden.flatMap { $0.flatMap { $0 } })
        #expect(hidden.value <= 1e-4, "encoder worst |Δ| \(hidden.value) at \(hidden.index)")
        let logits = try model.decoder.logits(targets: references.decoder_input_ids, encoded: encoded)
        let worst = worstDifference(Array(logits.storage), references.decoder_logits.flatMap { $0.flatMap { $0 } })
        #expect(worst.value <= 1e-4, "logits worst |Δ| \(worst.value) at \(worst.index)")
    }

    @Test(arguments: ["greedy", "beam_3"])
    func generateMatchesTransformersExactly(_ name: String) throws {
        let reference = try #require(references.generate[name])
        var options = model.generationConfig
        options.numBeams = reference.options.num_beams ?? options.numBeams
        options.maxLength = reference.options.max_length ?? options.maxLength
        options.numReturnSequences = reference.options.num_return_sequences ?? 1
        let hypotheses = try model.generate(sources, options: options)
        let rows = hypotheses.flatMap { $0 }.map { [options.decoderStartTokenId] + $0.tokens }
        let width = rows.map(\.count).max() ?? 0
        #expect(rows.map { $0 + Array(repeating: options.padTokenId, count: width - $0.count) } == reference.sequences)
        if let expected = reference.sequences_scores {
            let worst = worstDifference(hypotheses.flatMap { $0.map(\.score) }, expected)
            #expect(worst.value <= 1e-4, "sequences_scores worst |Δ| \(worst.value)")
        }
    }
}
