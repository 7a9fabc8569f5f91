import Foundation
import Testing
import KotobaTensor
@testable import KotobaModels

/// Swift Marian against transformers 5.24.0 on the fixture of training/fixtures/marian.py.
@Suite struct MarianParityTests {
    let fixture: MarianFixture

    init() throws { fixture = try MarianFixture() }

    @Test func positionTableMatchesTransformersSinInFirstHalfCosInSecond() throws {
        let table = SinusoidalPositions(count: 64, size: 32)
        for (row, expected) in zip(fixture.references.positions_rows, fixture.references.positions) {
            let got = Array(table.table[(row * 32)..<((row + 1) * 32)])
            let worst = worstDifference(got, expected)
            #expect(worst.value <= 1e-6, "position \(row): worst \(worst.value) at column \(worst.index)")
        }
        // Position 1: sin(1) opens the first half, cos(1) the second.
        #expect(abs(table.table[32] - Float(sin(1.0))) < 1e-7 && abs(table.table[32 + 16] - Float(cos(1.0))) < 1e-7)
    }

    @Test func encoderHiddenStatesMatchWithin1e4() throws {
        let encoded = try fixture.model.encode(fixture.sources)
        let expected = fixture.references.encoder_hidden.flatMap { $0.flatMap { $0 } }
        let worst = worstDifference(Array(encoded.hidden), expected)
        #expect(worst.value <= 1e-4, "worst |Δ| \(worst.value) at flat index \(worst.index)")
    }

    @Test func teacherForcedDecoderLogitsMatchWithin1e4() throws {
        let encoded = try fixture.model.encode(fixture.sources)
        let logits = try fixture.model.decoder.logits(targets: fixture.references.decoder_input_ids, encoded: encoded)
        let expected = fixture.references.decoder_logits.flatMap { $0.flatMap { $0 } }
        #expect(logits.shape == [3, 8, 100])
        let worst = worstDifference(Array(logits.storage), expected)
        #expect(worst.value <= 1e-4, "worst |Δ| \(worst.value) at flat index \(worst.index)")
    }

    static let cases = ["greedy", "greedy_no_repeat_2", "beam_default", "beam_lp_0.6_nbest_2", "beam_lp_2_early",
                        "beam_no_repeat_2", "beam_3_short"]

    @Test(arguments: cases)
    func generateMatchesTransformersExactly(_ name: String) throws {
        let reference = try #require(fixture.references.generate[name])
        let hypotheses = try fixture.model.generate(fixture.sources, options: fixture.options(reference.options))
        #expect(fixture.paddedSequences(hypotheses) == reference.sequences)
        if let expected = reference.sequences_scores {
            let scores = hypotheses.flatMap { $0 }.map(\.score)
            let worst = worstDifference(scores, expected)
            #expect(worst.value <= 1e-4, "sequences_scores worst |Δ| \(worst.value) at \(worst.index)")
        }
    }

    @Test(arguments: cases)
    func eachSourceAloneGivesTransformersSingleSourceOutput(_ name: String) throws {
        let reference = try #require(fixture.references.generate[name])
        for (source, expected) in zip(fixture.sources, reference.single_sequences) {
            let hypotheses = try fixture.model.generate([source], options: fixture.options(reference.options))
            #expect(fixture.paddedSequences(hypotheses) == expected)
        }
    }

    /// Alignments: per generated token, the last decoder layer's cross-attention averaged over heads, against
    /// transformers' teacher-forced `cross_attentions` for the same hypotheses (fixture alignments.json).
    @Test(arguments: ["greedy", "beam_lp_0.6_nbest_2"])
    func alignmentsMatchTransformersCrossAttention(_ name: String) throws {
        let reference = try #require(fixture.references.generate[name])
        let expected = try JSONDecoder().decode([String: [[[Float]]]].self, from: Data(
            contentsOf: MarianFixture.directory.appendingPathComponent("alignments.json")))
        let wanted = try #require(expected[name])
        let hypotheses = try fixture.model.generate(fixture.sources, options: fixture.options(reference.options),
                                                    alignments: true).flatMap { $0 }
        #expect(hypotheses.count == wanted.count)
        for (r, (hypothesis, want)) in zip(hypotheses, wanted).enumerated() {
            let got = try #require(hypothesis.alignment, "row \(r) has no alignment")
            #expect(got.count == hypothesis.tokens.count && got.count == want.count, "row \(r) token count")
            #expect(zip(got, want).allSatisfy { $0.count == $1.count }, "row \(r) source lengths")
            let worst = worstDifference(got.flatMap { $0 }, want.flatMap { $0 })
            #expect(worst.value <= 1e-4, "row \(r): worst |Δ| \(worst.value) at \(worst.index)")
        }
        let plain = try fixture.model.generate(fixture.sources, options: fixture.options(reference.options))
        #expect(plain.flatMap { $0 }.allSatisfy { $0.alignment == nil })
    }

    @Test func checkpointGenerationDefaultsAreRead() {
        let options = fixture.model.generationConfig
        #expect(options.numBeams == 4 && options.maxLength == 24 && options.badWordsIds == [[99]])
        #expect(options.forcedEOSTokenId == 0 && options.decoderStartTokenId == 99 && options.renormalizeLogits)
        #expect(options.lengthPenalty == 1 && options.earlyStopping == .heuristic && options.padTokenId == 99)
    }
}
