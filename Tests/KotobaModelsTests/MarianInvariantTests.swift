import Foundation
import Testing
import KotobaTensor
@testable import KotobaModels

/// Properties the Marian port must have whatever the reference numbers: the cache changes nothing, padding and
/// batching change nothing, beam search of width 1 is greedy search.
@Suite struct MarianInvariantTests {
    let fixture: MarianFixture

    init() throws { fixture = try MarianFixture() }

    /// Logits of a cached step against the teacher-forced full pass for the same prefix.
    private func expectStep(_ logits: UnsafePointer<Float>, row: Int, equals full: Tensor, fullRow: Int,
                            position: Int, _ comment: String) {
        let V = full.shape[2], T = full.shape[1]
        let got = Array(UnsafeBufferPointer(start: logits + row * V, count: V))
        let expected = Array(full.storage[((fullRow * T + position) * V)..<((fullRow * T + position + 1) * V)])
        let worst = worstDifference(got, expected)
        #expect(worst.value <= 1e-5, "\(comment): position \(position), worst |Δ| \(worst.value) at token \(worst.index)")
    }

    @Test func cachedIncrementalDecodingEqualsFullRecompute() throws {
        let model = fixture.model, targets = fixture.references.decoder_input_ids
        let encoded = try model.encode(fixture.sources)
        let full = try model.decoder.logits(targets: targets, encoded: encoded)
        let state = try model.decoder.makeState(encoded, sourceOfRow: [0, 1, 2], maxLength: 8)
        for position in 0..<targets[0].count {
            let logits = model.decoder.step(targets.map { $0[position] }, state: state)
            for row in 0..<3 {
                expectStep(logits, row: row, equals: full, fullRow: row, position: position, "row \(row)")
            }
        }
    }

    @Test func reorderedAndRepeatedRowsKeepTheirOwnHistory() throws {
        let model = fixture.model, targets = fixture.references.decoder_input_ids
        let encoded = try model.encode(fixture.sources)
        let state = try model.decoder.makeState(encoded, sourceOfRow: [0, 1, 2], rowCapacity: 4, maxLength: 8)
        for position in 0..<3 { model.decoder.step(targets.map { $0[position] }, state: state) }
        // Rows become [source 2, source 0, source 0 again, source 1], as beams are duplicated and reordered.
        state.reorder([2, 0, 0, 1])
        #expect(state.sourceOfRow == [2, 0, 0, 1])
        // Row 2 (a copy of source 0) continues with other tokens than row 1.
        let continuations = [targets[2], targets[0], Array(targets[0].prefix(3)) + [7, 8, 9, 10, 11], targets[1]]
        let sources = [2, 0, 0, 1].map { fixture.sources[$0] }
        let full = try model.decoder.logits(targets: continuations, encoded: try model.encode(sources))
        for position in 3..<8 {
            let logits = model.decoder.step(continuations.map { $0[position] }, state: state)
            for row in 0..<4 {
                expectStep(logits, row: row, equals: full, fullRow: row, position: position, "reordered row \(row)")
            }
        }
    }

    @Test func paddingInABatchChangesNoEncoderStateOrLogit() throws {
        let model = fixture.model, targets = fixture.references.decoder_input_ids, d = model.config.hiddenSize
        let batch = try model.encode(fixture.sources)
        let batchLogits = try model.decoder.logits(targets: targets, encoded: batch)
        for (b, source) in fixture.sources.enumerated() {
            let alone = try model.encode([source])
            let start = b * batch.source.length * d
            let worst = worstDifference(Array(batch.hidden[start..<(start + source.count * d)]), Array(alone.hidden))
            #expect(worst.value <= 1e-5, "source \(b): encoder worst |Δ| \(worst.value) at \(worst.index)")
            let logits = try model.decoder.logits(targets: [targets[b]], encoded: alone)
            let n = logits.count
            let worstLogit = worstDifference(Array(batchLogits.storage[(b * n)..<((b + 1) * n)]), Array(logits.storage))
            #expect(worstLogit.value <= 1e-5, "source \(b): logits worst |Δ| \(worstLogit.value)")
        }
    }

    @Test(arguments: [1.0, 0.6, 2.0])
    func beamSearchOfWidthOneIsGreedySearch(_ lengthPenalty: Double) throws {
        let model = fixture.model
        for noRepeat in [0, 2] {
            var options = model.generationConfig
            options.numBeams = 1
            options.lengthPenalty = lengthPenalty
            options.noRepeatNgramSize = noRepeat
            let greedy = try model.generate(fixture.sources, options: options)
            let beam = try BeamSearch(MarianDecoding(options).beamOptions)(model, sources: fixture.sources)
            #expect(beam.map { $0.map(\.tokens) } == greedy.map { $0.map(\.tokens) }, "no_repeat \(noRepeat)")
        }
    }

    @Test func padIsNeverGeneratedAndEveryHypothesisEndsWithEOSOrAtMaxLength() throws {
        let model = fixture.model
        for beams in [1, 4] {
            var options = model.generationConfig
            options.numBeams = beams
            options.numReturnSequences = beams
            options.maxLength = 10
            for hypothesis in try model.generate(fixture.sources, options: options).flatMap({ $0 }) {
                #expect(!hypothesis.tokens.contains(model.config.padTokenId))
                #expect(hypothesis.tokens.count <= 9)
                #expect(hypothesis.tokens.last == 0, "forced EOS at max_length - 1")
            }
        }
    }
}
