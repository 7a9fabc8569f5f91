import Foundation
import Testing
@testable import KotobaModels
import KotobaTensor

/// Properties every search must keep whatever the model: width-1 beam is greedy, a batch decodes as its sources
/// alone, cancellation stops before the next step, reordering commutes with stepping.
@Suite struct DecodingInvariantTests {
    @Test(arguments: Seq2SeqFixtures.variants)
    func beamOfWidthOneIsGreedy(variant: String) throws {
        let model = try Seq2SeqFixtures.model(variant)
        let sources = try Seq2SeqFixtures.sources(try Seq2SeqFixtures.reference(variant))
        for ngram in [0, 2] {
            let greedy = try GreedySearch(GreedyOptions(maxNewTokens: 20, noRepeatNgramSize: ngram))(model, sources: sources)
            for penalty in [0.0, 1.0] {
                let beam = try BeamSearch(BeamOptions(width: 1, lengthPenalty: penalty, maxNewTokens: 20,
                                                      noRepeatNgramSize: ngram))(model, sources: sources)
                #expect(beam.map { $0[0].tokens } == greedy.map(\.tokens), "\(variant) ngram \(ngram) lp \(penalty)")
                if penalty == 0 {
                    // Without a length penalty the beam score is the same unnormalised sum greedy reports.
                    expectClose(beam.map { $0[0].score }, greedy.map(\.score), tolerance: 1e-5, "\(variant) scores")
                }
            }
        }
    }

    @Test(arguments: Seq2SeqFixtures.variants)
    func batchDecodesAsEachSourceAlone(variant: String) throws {
        let model = try Seq2SeqFixtures.model(variant)
        let sources = try Seq2SeqFixtures.sources(try Seq2SeqFixtures.reference(variant))
        let greedy = GreedySearch(GreedyOptions(maxNewTokens: 20))
        let beam = BeamSearch(BeamOptions(width: 4, lengthPenalty: 1, maxNewTokens: 20, nBest: 2))
        let batchGreedy = try greedy(model, sources: sources), batchBeam = try beam(model, sources: sources)
        for (b, source) in sources.enumerated() {
            let aloneGreedy = try greedy(model, sources: [source]), aloneBeam = try beam(model, sources: [source])
            #expect(aloneGreedy[0].tokens == batchGreedy[b].tokens, "\(variant) greedy source \(b)")
            #expect(abs(aloneGreedy[0].score - batchGreedy[b].score) <= 1e-5)
            #expect(aloneBeam[0].map(\.tokens) == batchBeam[b].map(\.tokens), "\(variant) beam source \(b)")
            expectClose(aloneBeam[0].map(\.score), batchBeam[b].map(\.score), tolerance: 1e-5, "\(variant) beam scores \(b)")
        }
    }

    @Test func cancellationStopsBeforeTheNextStep() throws {
        let model = CountingDecoder(base: try Seq2SeqFixtures.model("gru_bahdanau_bi"))
        let sources = try Seq2SeqFixtures.sources(try Seq2SeqFixtures.reference("gru_bahdanau_bi"))
        let polls = Counter()
        let cancelAtThirdPoll: @Sendable () -> Bool = { polls.increment() >= 3 }
        #expect(throws: GenerationError.cancelled(step: 2)) {
            try BeamSearch(BeamOptions(width: 4, maxNewTokens: 20))(model, sources: sources, isCancelled: cancelAtThirdPoll)
        }
        #expect(model.steps.value == 2)
        polls.reset()
        model.steps.reset()
        #expect(throws: GenerationError.cancelled(step: 2)) {
            try GreedySearch(GreedyOptions(maxNewTokens: 20))(model, sources: sources, isCancelled: cancelAtThirdPoll)
        }
        #expect(model.steps.value == 2)
        #expect(throws: GenerationError.cancelled(step: 0)) {
            try GreedySearch(GreedyOptions(maxNewTokens: 20))(model, sources: sources, isCancelled: { true })
        }
    }

    @Test func reorderingCommutesWithStepping() throws {
        let model = try Seq2SeqFixtures.model("lstm_general_feed_tied")
        let sources = try Seq2SeqFixtures.sources(try Seq2SeqFixtures.reference("lstm_general_feed_tied"))
        var state = model.initialState(try model.encode(sources))
        state = try model.step(tokens: [1, 1, 1], state: state).state  // a non-trivial state and feed
        let rows = [2, 0, 0, 1]
        let reorderedThenStepped = try model.step(tokens: [5, 7, 7, 9], state: model.reorder(state, rows: rows))
        let stepped = try model.step(tokens: [7, 9, 5], state: state)
        let vocabulary = model.vocabularySize
        for (i, r) in rows.enumerated() {
            let a = Array(reorderedThenStepped.logits.storage[(i * vocabulary)..<((i + 1) * vocabulary)])
            let b = Array(stepped.logits.storage[(r * vocabulary)..<((r + 1) * vocabulary)])
            // Four rows against three: the GEMMs block differently, so sums run in another order. 1e-5
            // relative to the row's largest logit is 40 times the spread measured here (2.5e-7 with AVX2 + FMA
            // GEMMs; 0 with Sandybridge's, whose blocking does not change between the two shapes).
            let scale = max(1, b.map(abs).max() ?? 0)
            let worst = worstDifference(a, b)
            #expect(worst.value <= 1e-5 * scale, "row \(i) (from \(r)): \(worst.value) at logit \(worst.index)")
        }
        #expect(model.sources(of: reorderedThenStepped.state) == [2, 0, 0, 1])
    }

    @Test func rejectsOptionsOutOfRange() throws {
        let model = try Seq2SeqFixtures.model("rnn_tanh_dot")
        #expect(throws: GenerationError.invalidOption(name: "nBest", reason: "must be in 1...2")) {
            try BeamSearch(BeamOptions(width: 2, maxNewTokens: 5, nBest: 3))(model, sources: [[5, 6]])
        }
        #expect(throws: GenerationError.invalidOption(name: "width", reason: "must be at least 1")) {
            try BeamSearch(BeamOptions(width: 0, maxNewTokens: 5))(model, sources: [[5, 6]])
        }
        #expect(throws: GenerationError.invalidOption(name: "maxNewTokens", reason: "must be at least 1")) {
            try GreedySearch(GreedyOptions(maxNewTokens: 0))(model, sources: [[5, 6]])
        }
    }

    @Test func sourceTokenOutsideVocabularyIsAModelError() throws {
        let model = try Seq2SeqFixtures.model("rnn_tanh_dot")
        #expect(throws: GenerationError.model(.invalidInput("encoder.embedding: id 48 outside the embedding table of 48 rows"))) {
            try GreedySearch(GreedyOptions(maxNewTokens: 5))(model, sources: [[5, 48]])
        }
        #expect(throws: GenerationError.model(.invalidInput("every source sequence needs at least one token; lengths [2, 0]"))) {
            try GreedySearch(GreedyOptions(maxNewTokens: 5))(model, sources: [[5, 6], []])
        }
    }

    @Test func noRepeatNgramBansWhatWouldRepeat() {
        #expect(NoRepeatNgram.banned(after: [1, 5, 6, 5], n: 2) == [6])
        #expect(NoRepeatNgram.banned(after: [1, 5, 6, 5, 6], n: 3) == [5])
        #expect(NoRepeatNgram.banned(after: [1, 5], n: 3) == [])
        #expect(NoRepeatNgram.banned(after: [1, 5, 5], n: 1) == [1, 5, 5])
    }
}

/// A thread-safe counter for closures the searches call.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    /// Adds one and returns the new count.
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; count += 1; return count }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
    func reset() { lock.lock(); count = 0; lock.unlock() }
}

/// Forwards to a model and counts decoder steps.
struct CountingDecoder<Base: Seq2SeqDecoder>: Seq2SeqDecoder {
    let base: Base
    let steps = Counter()
    var vocabularySize: Int { base.vocabularySize }
    var decoderStartTokenID: Int { base.decoderStartTokenID }
    var eosTokenID: Int { base.eosTokenID }
    var padTokenID: Int { base.padTokenID }
    func encode(_ sources: [[Int]]) throws(ModelError) -> Base.Encoded { try base.encode(sources) }
    func initialState(_ encoded: Base.Encoded) -> Base.State { base.initialState(encoded) }
    func step(tokens: [Int], state: Base.State) throws(ModelError) -> DecoderStep<Base.State> {
        _ = steps.increment()
        return try base.step(tokens: tokens, state: state)
    }
    func reorder(_ state: Base.State, rows: [Int]) -> Base.State { base.reorder(state, rows: rows) }
    func sources(of state: Base.State) -> [Int] { base.sources(of: state) }
    func sourceLengths(_ encoded: Base.Encoded) -> [Int] { base.sourceLengths(encoded) }
}
