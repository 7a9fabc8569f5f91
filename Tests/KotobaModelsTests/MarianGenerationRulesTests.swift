import Foundation
import Testing
@testable import KotobaModels

/// `min_length` and multi-token `bad_words_ids`, which `generate` maps onto Decoding's `LogitsRules`: the fixture's
/// references do not exercise them, so these check their invariants, each against a baseline that violates them.
@Suite struct MarianGenerationRulesTests {
    let fixture: MarianFixture

    init() throws { fixture = try MarianFixture() }

    @Test(arguments: [1, 4])
    func minLengthKeepsEOSOutUntilTheOutputIsLongEnough(_ beams: Int) throws {
        var options = fixture.model.generationConfig
        options.numBeams = beams
        let baseline = try fixture.model.generate(fixture.sources, options: options).flatMap { $0 }
        let shortest = try #require(baseline.map(\.tokens.count).min())
        options.minLength = shortest + 3
        let constrained = try fixture.model.generate(fixture.sources, options: options).flatMap { $0 }
        for hypothesis in constrained {
            // The decoder sequence (start token included) reaches `minLength` before EOS may follow.
            #expect(hypothesis.tokens.count >= options.minLength, "\(hypothesis.tokens)")
            #expect(hypothesis.tokens.dropLast().allSatisfy { !options.eosTokenIds.contains($0) })
        }
    }

    @Test(arguments: [1, 4])
    func aBannedBigramNeverAppears(_ beams: Int) throws {
        var options = fixture.model.generationConfig
        options.numBeams = beams
        let baseline = try fixture.model.generate(fixture.sources, options: options).flatMap { $0 }
        let tokens = try #require(baseline.first { $0.tokens.count >= 3 }).tokens
        let bigram = [tokens[0], tokens[1]]
        options.badWordsIds.append(bigram)
        let constrained = try fixture.model.generate(fixture.sources, options: options).flatMap { $0 }
        for hypothesis in constrained {
            let pairs = zip(hypothesis.tokens, hypothesis.tokens.dropFirst()).map { [$0, $1] }
            #expect(!pairs.contains(bigram), "\(bigram) in \(hypothesis.tokens)")
        }
        #expect(constrained.map(\.tokens) != baseline.map(\.tokens))
    }

    @Test func multiTokenBadWordsBanOnlyAfterTheirPrefix() {
        let rules = LogitsRules(noRepeatNgramSize: 0, bannedTokens: [], bannedSequences: [[3, 4, 5]],
                                forcesEOSAtMaxLength: false, renormalizes: false, eosTokenIDs: [0], maxLength: 20)
        var row = [Float](repeating: 0, count: 8)
        row.withUnsafeMutableBufferPointer { rules.apply($0.baseAddress!, vocabulary: 8, sequence: [7, 3, 4]) }
        #expect(row[5] == -.infinity && row.filter { $0 == -.infinity }.count == 1)
        row = [Float](repeating: 0, count: 8)
        row.withUnsafeMutableBufferPointer { rules.apply($0.baseAddress!, vocabulary: 8, sequence: [7, 4, 3]) }
        #expect(!row.contains(-.infinity))
    }
}
