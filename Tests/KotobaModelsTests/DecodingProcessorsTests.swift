import Foundation
import Testing
@testable import KotobaModels

/// Decoding's generic searches with transformers' logits processors (bad words, forced EOS, renormalisation, from
/// the checkpoint's generation_config.json) against `generate` itself: the Marian fixture's transformers references
/// (Fixtures/marian, written by training/fixtures/marian.py), token for token, scores within 1e-4.
@Suite struct DecodingProcessorsTests {
    let fixture: MarianFixture

    init() throws { fixture = try MarianFixture() }

    static let cases = ["greedy", "greedy_no_repeat_2", "beam_default", "beam_lp_0.6_nbest_2", "beam_lp_2_early",
                        "beam_no_repeat_2", "beam_3_short"]

    @Test(arguments: cases)
    func genericSearchWithProcessorsEqualsGenerate(_ name: String) throws {
        let reference = try #require(fixture.references.generate[name])
        let config = fixture.options(reference.options)
        let banned = config.badWordsIds.map { $0[0] }
        #expect(config.badWordsIds.allSatisfy { $0.count == 1 })
        let forced = config.forcedEOSTokenId != nil
        let hypotheses: [[Hypothesis]]
        if config.numBeams == 1 {
            let options = GreedyOptions(maxNewTokens: config.maxLength - 1, noRepeatNgramSize: config.noRepeatNgramSize,
                                        bannedTokens: banned, forcesEOSAtMaxLength: forced,
                                        renormalizesLogits: config.renormalizeLogits)
            hypotheses = try GreedySearch(options)(fixture.model, sources: fixture.sources).map { [$0] }
        } else {
            let options = BeamOptions(width: config.numBeams, lengthPenalty: config.lengthPenalty,
                                      maxNewTokens: config.maxLength - 1, earlyStopping: config.earlyStopping,
                                      noRepeatNgramSize: config.noRepeatNgramSize, bannedTokens: banned,
                                      forcesEOSAtMaxLength: forced, renormalizesLogits: config.renormalizeLogits,
                                      nBest: config.numReturnSequences)
            hypotheses = try BeamSearch(options)(fixture.model, sources: fixture.sources)
        }
        #expect(fixture.paddedSequences(hypotheses) == reference.sequences, "\(name) ids")
        if let expected = reference.sequences_scores {
            let worst = worstDifference(hypotheses.flatMap { $0.map(\.score) }, expected)
            #expect(worst.value <= 1e-4, "\(name) sequences_scores worst |Δ| \(worst.value) at \(worst.index)")
            print("decoding+processors \(name): sequences_scores worst |Δ| \(worst.value)")
        }
    }
}
