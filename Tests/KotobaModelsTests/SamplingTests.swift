import Foundation
import Testing
@testable import KotobaModels

/// Sampling (`do_sample`): the warpers keep what transformers' keep, draws follow the warped distribution, and a
/// seed fixes the samples of a source whatever else runs in the batch. transformers draws with torch's generator,
/// so token-for-token parity with it is not possible; these tests pin the semantics instead.
@Suite struct SamplingTests {
    /// `probabilities` as log-probabilities, the row a search hands the sampler.
    private func row(_ probabilities: [Double]) -> [Float] { probabilities.map { Float(log($0)) } }

    /// Draw frequencies of each token over `draws` draws from one stream.
    private func frequencies(_ options: SamplingOptions, _ row: [Float], draws: Int = 40_000) -> [Double] {
        var stream = SamplingStream(seed: 12345)
        var counts = [Double](repeating: 0, count: row.count)
        row.withUnsafeBufferPointer { row in
            for _ in 0..<draws { counts[options.draw(row.baseAddress!, vocabulary: row.count, using: &stream)] += 1 }
        }
        return counts.map { $0 / Double(draws) }
    }

    /// SplitMix64's published first output for seed 0 (Vigna's splitmix64.c): the stream is the same generator
    /// on every machine, so a seed means the same draws everywhere.
    @Test func streamIsSplitMix64() {
        var stream = SamplingStream(seed: 0)
        #expect(stream.next() == 0xE220_A839_7B1D_CDAF)
        #expect(stream.next() == 0x6E78_9E6A_A1B9_65F4)
        var unit = SamplingStream(seed: 99)
        for _ in 0..<1000 {
            let u = unit.nextUnit()
            #expect(u >= 0 && u < 1)
        }
    }

    /// 40,000 draws: a frequency's standard error is at most 0.0025, so 0.015 is six of them.
    @Test func drawsFollowTheTemperatureScaledDistribution() {
        let p = [0.5, 0.3, 0.15, 0.05]
        for temperature in [1.0, 0.5, 2.0] {
            let scaled = p.map { pow($0, 1 / temperature) }
            let want = scaled.map { $0 / scaled.reduce(0, +) }
            let got = frequencies(SamplingOptions(temperature: Float(temperature), topK: 0, topP: 1), row(p))
            for (g, w) in zip(got, want) { #expect(abs(g - w) <= 0.015, "temperature \(temperature): \(got) vs \(want)") }
        }
    }

    @Test func topKKeepsTheKBestAndRenormalises() {
        let got = frequencies(SamplingOptions(temperature: 1, topK: 2, topP: 1), row([0.5, 0.3, 0.15, 0.05]))
        #expect(got[2] == 0 && got[3] == 0, "\(got)")
        #expect(abs(got[0] - 0.625) <= 0.015 && abs(got[1] - 0.375) <= 0.015, "\(got)")
        // Tokens tied with the k-th score stay, as transformers keeps every score ≥ the k-th.
        let ties = frequencies(SamplingOptions(temperature: 1, topK: 2, topP: 1), row([0.1, 0.3, 0.3, 0.3]))
        #expect(ties[0] == 0 && ties[1...].allSatisfy { abs($0 - 1.0 / 3) <= 0.015 }, "\(ties)")
    }

    /// transformers removes, in ascending order, tokens whose cumulative probability is ≤ 1 - top_p: with
    /// probabilities 0.5, 0.3, 0.2 a top_p of 0.45 keeps only the first, 0.55 the first two. (Not 0.5 itself:
    /// there the outcome hangs on the last bit of a recomputed 0.5, in Kotoba as in transformers.)
    @Test func topPKeepsTheSmallestSetReachingP() {
        let r = row([0.5, 0.3, 0.2])
        let half = frequencies(SamplingOptions(temperature: 1, topK: 0, topP: 0.45), r, draws: 2000)
        #expect(half == [1, 0, 0])
        let more = frequencies(SamplingOptions(temperature: 1, topK: 0, topP: 0.55), r)
        #expect(more[2] == 0 && abs(more[0] - 0.625) <= 0.015, "\(more)")
        let none = frequencies(SamplingOptions(temperature: 1, topK: 0, topP: 0), r, draws: 1000)
        #expect(none == [1, 0, 0], "top_p 0 still keeps one token")
    }

    @Test func bannedTokensAreNeverDrawn() {
        var r = row([0.25, 0.25, 0.25, 0.25])
        r[1] = -.infinity
        let got = frequencies(SamplingOptions(temperature: 1, topK: 0, topP: 1), r, draws: 5000)
        #expect(got[1] == 0 && got[0] > 0.25, "\(got)")
    }

    @Test func invalidSettingsAreRefused() {
        for options in [SamplingOptions(temperature: 0), SamplingOptions(temperature: .nan), SamplingOptions(topK: -1),
                        SamplingOptions(topP: 1.5)] {
            #expect(throws: GenerationError.self) { try options.validate() }
        }
    }

    /// A Marian model sampling with top-k 1 keeps only the argmax, so it decodes exactly as greedy search.
    @Test func topKOfOneIsGreedy() throws {
        let fixture = try MarianFixture()
        var options = fixture.model.generationConfig
        options.numBeams = 1
        let greedy = try fixture.model.generate(fixture.sources, options: options)
        options.doSample = true
        options.topK = 1
        for seed in [UInt64(1), 2, 3] {
            let sampled = try fixture.model.generate(fixture.sources, options: options, seed: seed)
            #expect(sampled.map { $0.map(\.tokens) } == greedy.map { $0.map(\.tokens) })
        }
    }

    /// The same seed and source give the same samples alone or batched with others; other seeds give others.
    @Test func aSeedFixesASourcesSamplesWhateverTheBatch() throws {
        let fixture = try MarianFixture()
        var options = fixture.model.generationConfig
        options.numBeams = 1
        options.doSample = true
        options.topK = 0
        options.numReturnSequences = 3
        let batched = try fixture.model.generate(fixture.sources, options: options, seed: 42)
        #expect(batched.count == fixture.sources.count && batched.allSatisfy { $0.count == 3 })
        for (index, source) in fixture.sources.enumerated() {
            let alone = try fixture.model.generate([source], options: options, seed: 42)
            #expect(alone[0].map(\.tokens) == batched[index].map(\.tokens), "source \(index)")
        }
        let others = try (43..<48).map { try fixture.model.generate(fixture.sources, options: options, seed: UInt64($0)) }
        #expect(others.contains { $0.map { $0.map(\.tokens) } != batched.map { $0.map(\.tokens) } })
    }

    @Test func beamSamplingIsRefused() throws {
        let fixture = try MarianFixture()
        var options = fixture.model.generationConfig
        options.numBeams = 4
        options.doSample = true
        #expect(throws: GenerationError.self) { try fixture.model.generate(fixture.sources, options: options) }
    }
}
