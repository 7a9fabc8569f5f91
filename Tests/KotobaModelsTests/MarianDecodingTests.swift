import Foundation
import Testing
import KotobaTensor
@testable import KotobaModels

/// `generate` is a thin adapter over Decoding's generic `GreedySearch` / `BeamSearch`: these tests pin the
/// adapter's mapping of a generation config (beams, length penalty, n-gram ban, n-best, `max_length - 1` new
/// tokens) onto the search options. Equality with transformers itself is MarianParityTests' job.
@Suite struct MarianDecodingTests {
    let fixture: MarianFixture

    init() throws { fixture = try MarianFixture() }

    /// The checkpoint's options without bad words, forced EOS or renormalisation, which Decoding does not apply.
    private func plainOptions(beams: Int) -> MarianGenerationConfig {
        var options = fixture.model.generationConfig
        options.numBeams = beams
        options.badWordsIds = []
        options.forcedEOSTokenId = nil
        options.renormalizeLogits = false
        return options
    }

    @Test func decodingGreedySearchOnMarianEqualsGenerate() throws {
        let options = plainOptions(beams: 1)
        let expected = try fixture.model.generate(fixture.sources, options: options)
        let found = try GreedySearch(GreedyOptions(maxNewTokens: options.maxLength - 1))(
            fixture.model, sources: fixture.sources)
        #expect(found.map(\.tokens) == expected.map { $0[0].tokens })
        let worst = worstDifference(found.map(\.score), expected.map { $0[0].score })
        #expect(worst.value <= 1e-4, "greedy Σ log p worst |Δ| \(worst.value)")
    }

    @Test(arguments: [(1.0, 0), (0.6, 0), (1.0, 2)])
    func decodingBeamSearchOnMarianEqualsGenerate(_ lengthPenalty: Double, _ noRepeat: Int) throws {
        var options = plainOptions(beams: 4)
        options.lengthPenalty = lengthPenalty
        options.noRepeatNgramSize = noRepeat
        options.numReturnSequences = 2
        let expected = try fixture.model.generate(fixture.sources, options: options)
        let search = BeamSearch(BeamOptions(width: 4, lengthPenalty: lengthPenalty, maxNewTokens: options.maxLength - 1,
                                            noRepeatNgramSize: noRepeat, nBest: 2))
        let found = try search(fixture.model, sources: fixture.sources)
        #expect(found.map { $0.map(\.tokens) } == expected.map { $0.map(\.tokens) })
        let worst = worstDifference(found.flatMap { $0.map(\.score) }, expected.flatMap { $0.map(\.score) })
        #expect(worst.value <= 1e-5, "sequence scores worst |Δ| \(worst.value)")
    }

    @Test func stepRejectsTokensOutsideTheVocabulary() throws {
        let model = fixture.model
        let state = model.initialState(try model.encode(fixture.sources))
        #expect(throws: ModelError.invalidInput("decoder token id 100 outside vocabulary of 100")) {
            try model.step(tokens: [99, 100, 99], state: state)
        }
        #expect(throws: ModelError.invalidInput("2 tokens for 3 decoder rows")) {
            try model.step(tokens: [99, 99], state: state)
        }
    }
}
