import Foundation
import Testing
@testable import KotobaModels
import KotobaTensor

/// The reference PyTorch seq2seq (training/reference/seq2seq.py + search.py) against Swift, per fixture variant:
/// encoder outputs and decoder logits within 1e-4, greedy and beam token ids exactly, scores within 1e-4.
@Suite struct Seq2SeqParityTests {
    @Test(arguments: Seq2SeqFixtures.variants)
    func encoderOutputsAndInitialStatesMatchReference(variant: String) throws {
        let reference = try Seq2SeqFixtures.reference(variant)
        let model = try Seq2SeqFixtures.model(variant)
        let encoded = try model.encode(try Seq2SeqFixtures.sources(reference))
        #expect(encoded.memory.memory.shape == (try ints(reference["memory_shape"])))
        let worst = expectClose(Array(encoded.memory.memory.storage), try floats(reference["encoder_output"]),
                                tolerance: 1e-4, "\(variant) encoder output")
        let expectedLayers = try #require(reference["initial_hidden"] as? [Any])
        for (layer, (state, expected)) in zip(encoded.initialLayers, expectedLayers).enumerated() {
            let actual = Array(state.h.storage) + Array(state.c?.storage ?? [])
            expectClose(actual, try floats(expected), tolerance: 1e-4, "\(variant) initial state of layer \(layer)")
        }
        print("\(variant): encoder output worst |Δ| \(worst)")
    }

    @Test(arguments: Seq2SeqFixtures.variants)
    func teacherForcedStepLogitsAndAttentionMatchReference(variant: String) throws {
        let reference = try Seq2SeqFixtures.reference(variant)
        let model = try Seq2SeqFixtures.model(variant)
        let teacher = try ints2(reference["teacher_tokens"])
        var state = model.initialState(try model.encode(try Seq2SeqFixtures.sources(reference)))
        var logits: [Float] = [], attention: [Float] = []
        for t in 0..<teacher[0].count {
            let step = try model.step(tokens: teacher.map { $0[t] }, state: state)
            logits += step.logits.storage
            attention += step.attention?.storage ?? []
            state = step.state
        }
        let worstLogits = expectClose(logits, try floats(reference["teacher_logits"]), tolerance: 1e-4, "\(variant) logits")
        let worstAttention = expectClose(attention, try floats(reference["teacher_attention"]), tolerance: 1e-4,
                                         "\(variant) attention")
        print("\(variant): step logits worst |Δ| \(worstLogits), attention \(worstAttention)")
    }

    @Test(arguments: Seq2SeqFixtures.variants)
    func greedySearchMatchesReference(variant: String) throws {
        let reference = try Seq2SeqFixtures.reference(variant)
        let model = try Seq2SeqFixtures.model(variant)
        let sources = try Seq2SeqFixtures.sources(reference), lengths = try ints(reference["lengths"])
        let maxNew = try #require(reference["max_new_tokens"] as? Int)
        let greedy = try #require(reference["greedy"] as? [String: Any])
        let result = try GreedySearch(GreedyOptions(maxNewTokens: maxNew, alignments: true))(model, sources: sources)
        #expect(result.map(\.tokens) == (try ints2(greedy["sequences"])), "\(variant) greedy ids")
        expectClose(result.map(\.score), try floats(greedy["scores"]), tolerance: 1e-4, "\(variant) greedy scores")
        let expectedAlignments = try #require(greedy["alignments"] as? [Any])
        let width = try ints(reference["memory_shape"])[1]
        for (b, hypothesis) in result.enumerated() {
            let padded = try floats(expectedAlignments[b])  // [tokens, S], zero past the source length
            let expected = (0..<hypothesis.tokens.count).flatMap { padded[($0 * width)..<($0 * width + lengths[b])] }
            expectClose((hypothesis.alignment ?? []).flatMap { $0 }, expected, tolerance: 1e-4, "\(variant) alignment \(b)")
        }

        let banned = try #require(reference["greedy_no_repeat_2"] as? [String: Any])
        let noRepeat = try GreedySearch(GreedyOptions(maxNewTokens: maxNew, noRepeatNgramSize: 2))(model, sources: sources)
        #expect(noRepeat.map(\.tokens) == (try ints2(banned["sequences"])), "\(variant) greedy no_repeat_ngram_size=2 ids")
        expectClose(noRepeat.map(\.score), try floats(banned["scores"]), tolerance: 1e-4, "\(variant) greedy no-repeat scores")
    }

    @Test(arguments: Seq2SeqFixtures.variants)
    func beamSearchMatchesReference(variant: String) throws {
        let reference = try Seq2SeqFixtures.reference(variant)
        let model = try Seq2SeqFixtures.model(variant)
        let sources = try Seq2SeqFixtures.sources(reference), lengths = try ints(reference["lengths"])
        let maxNew = try #require(reference["max_new_tokens"] as? Int)
        let width = try ints(reference["memory_shape"])[1]
        var worstScore: Float = 0
        for case let beam as [String: Any] in try #require(reference["beam"] as? [Any]) {
            let early: EarlyStopping = switch beam["early_stopping"] {
            case let flag as Bool: flag ? .whenFull : .heuristic
            default: .never
            }
            let options = BeamOptions(width: try #require(beam["num_beams"] as? Int),
                                      lengthPenalty: try #require((beam["length_penalty"] as? NSNumber)?.doubleValue),
                                      maxNewTokens: maxNew, earlyStopping: early,
                                      noRepeatNgramSize: try #require(beam["no_repeat_ngram_size"] as? Int),
                                      nBest: try #require(beam["num_return_sequences"] as? Int), alignments: true)
            let label = "\(variant) beam width \(options.width) lp \(options.lengthPenalty) \(early) ngram \(options.noRepeatNgramSize)"
            let result = try BeamSearch(options)(model, sources: sources)
            let expectedSequences = try #require(beam["sequences"] as? [Any]).map(ints2)
            #expect(result.map { $0.map(\.tokens) } == expectedSequences, "\(label) ids")
            let expectedScores = try #require(beam["scores"] as? [Any]).map(floats)
            worstScore = max(worstScore, expectClose(result.flatMap { $0.map(\.score) }, expectedScores.flatMap { $0 },
                                                     tolerance: 1e-4, "\(label) scores"))
            let expectedAlignments = try #require(beam["alignments"] as? [Any])
            for (b, hypotheses) in result.enumerated() {
                let rows = try #require(expectedAlignments[b] as? [Any])
                for (k, hypothesis) in hypotheses.enumerated() {
                    let padded = try floats(rows[k])
                    let expected = (0..<hypothesis.tokens.count).flatMap { padded[($0 * width)..<($0 * width + lengths[b])] }
                    expectClose((hypothesis.alignment ?? []).flatMap { $0 }, expected, tolerance: 1e-4,
                                "\(label) alignment \(b).\(k)")
                }
            }
        }
        print("\(variant): beam scores worst |Δ| \(worstScore)")
    }
}
