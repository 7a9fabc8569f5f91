import Foundation
import KotobaTasks
import Testing

/// The Translation task against transformers on the fixture from training/fixtures/translation.py:
/// MarianTokenizer ids, generate's greedy and beam outputs (ids and text exactly, scores within 1e-4).
@Suite struct TranslationTaskTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/translation")

    struct Reference: Decodable {
        struct Output: Decodable {
            var ids: [Int]
            var text: String
            var score: Float?
        }
        struct Case: Decodable {
            var text: String
            var source_ids: [Int]
            var greedy: Output
            var beam3_n2: [Output]
        }
        var max_new_tokens: Int
        var cases: [Case]
    }

    /// A generate sequence without its decoder start token and the padding after EOS (id 0) that batching
    /// adds: what the task reports.
    static func generated(_ ids: [Int]) -> [Int] {
        let body = Array(ids.dropFirst())
        guard let eos = body.firstIndex(of: 0) else { return body }
        return Array(body[...eos])
    }

    static func reference() throws -> Reference {
        try JSONDecoder().decode(Reference.self, from: Data(contentsOf: directory.appendingPathComponent("reference.json")))
    }

    @Test func greedyAndBeamMatchTransformersGenerate() throws {
        let reference = try Self.reference()
        let task = try TranslationTask.load(directory: Self.directory)
        let texts = reference.cases.map(\.text)
        #expect(try reference.cases.map { try task.prepare($0.text).ids } == reference.cases.map(\.source_ids))
        let greedy = try task.run(texts, options: TranslationOptions(beamSize: 1, maxNewTokens: reference.max_new_tokens))
        let beam = try task.run(texts, options: TranslationOptions(beamSize: 3, maxNewTokens: reference.max_new_tokens,
                                                                   numReturnSequences: 2))
        for (index, example) in reference.cases.enumerated() {
            // generate's sequences start with the decoder start token; the task reports what follows it.
            #expect(greedy[index].translations.map(\.tokens) == [Self.generated(example.greedy.ids)], "\(example.text)")
            #expect(greedy[index].translations.map(\.translationText) == [example.greedy.text])
            #expect(beam[index].translations.map(\.tokens) == example.beam3_n2.map { Self.generated($0.ids) })
            #expect(beam[index].translations.map(\.translationText) == example.beam3_n2.map(\.text))
            for (got, want) in zip(beam[index].translations, example.beam3_n2) {
                #expect(abs(got.score - (want.score ?? .nan)) < 1e-4, "\(example.text): \(got.score) vs \(want.score ?? .nan)")
            }
            #expect(beam[index].input.inputTokens == example.source_ids.count)
            #expect(!beam[index].input.truncated)
        }
    }

    @Test func batchedTranslationEqualsOneAtATime() throws {
        let task = try TranslationTask.load(directory: Self.directory)
        let texts = try Self.reference().cases.map(\.text)
        let options = TranslationOptions(beamSize: 2, maxNewTokens: 8)
        let batched = try task.run(texts, options: options)
        let alone = try texts.map { try task.run([$0], options: options)[0] }
        #expect(batched.map { $0.translations.map(\.tokens) } == alone.map { $0.translations.map(\.tokens) })
    }

    @Test func longSourcesAreRefusedOrTruncatedKeepingEOS() throws {
        let task = try TranslationTask.load(directory: Self.directory)
        let long = Array(repeating: "Tom is here.", count: 40).joined(separator: " ")
        let report = try task.prepare(long, options: TranslationOptions(truncate: true)).report
        let tokens = report.inputTokens + report.removedTokens
        #expect(tokens > task.maxInputTokens)
        #expect(throws: TaskError.inputTooLong(tokens: tokens, limit: task.maxInputTokens)) {
            try task.run([long])
        }
        let cut = try task.run([long], options: TranslationOptions(maxNewTokens: 4, truncate: true))[0]
        #expect(cut.input.truncated)
        #expect(cut.input.inputTokens == task.maxInputTokens)
    }

    @Test func cancellationStopsTheSearch() throws {
        let task = try TranslationTask.load(directory: Self.directory)
        #expect(throws: TaskError.cancelled) {
            try task.run(["Tom is here."], options: TranslationOptions(beamSize: 3), isCancelled: { true })
        }
    }

    @Test func invalidOptionsAreNamed() throws {
        let task = try TranslationTask.load(directory: Self.directory)
        #expect(throws: TaskError.self) { try task.run(["Tom"], options: TranslationOptions(beamSize: 0)) }
        #expect(throws: TaskError.self) { try task.run(["Tom"], options: TranslationOptions(beamSize: 2, numReturnSequences: 3)) }
        #expect(throws: TaskError.self) { try task.run(["Tom"], options: TranslationOptions(maxNewTokens: 1000)) }
    }

    /// One sentence of a `generate` reference file (training/fixtures/generate_references.py): its text and, per
    /// setting name, the sequences transformers returned.
    struct GenerateCase: Decodable {
        struct Output: Decodable { var ids: [Int]; var score: Float? }
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        var text: String
        var outputs: [String: [Output]]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            text = try container.decode(String.self, forKey: Key(stringValue: "text"))
            outputs = [:]
            for key in container.allKeys where key.stringValue != "text" {
                outputs[key.stringValue] = try container.decode([Output].self, forKey: key)
            }
        }
    }

    /// Runs each (options, setting name) on the reference file's sentences: ids exactly, beam scores within 1e-4.
    private func expectMatchesGenerate(_ file: String, _ settings: [(TranslationOptions, String)]) throws {
        struct Reference: Decodable { var cases: [GenerateCase] }
        let url = Self.directory.appendingPathComponent(file)
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
        let task = try TranslationTask.load(directory: Self.directory)
        for (options, name) in settings {
            let got = try task.run(reference.cases.map(\.text), options: options)
            for (result, example) in zip(got, reference.cases) {
                let want = try #require(example.outputs[name], "\(file) has no \(name)")
                #expect(result.translations.map(\.tokens) == want.map { Self.generated($0.ids) }, "\(example.text) \(name)")
                for (translation, output) in zip(result.translations, want) where output.score != nil {
                    #expect(abs(translation.score - output.score!) < 1e-4, "\(example.text): \(translation.score) vs \(output.score!)")
                }
            }
        }
    }

    /// Per-request generation controls against transformers' `generate` with the same keyword arguments
    /// (training/fixtures/translation_controls.py): ids exactly, beam scores within 1e-4.
    @Test func requestGenerationControlsMatchTransformersGenerate() throws {
        try expectMatchesGenerate("reference_controls.json", [
            (TranslationOptions(beamSize: 1, maxNewTokens: 12, noRepeatNgramSize: 1), "greedy_ngram1"),
            (TranslationOptions(beamSize: 3, maxNewTokens: 12, numReturnSequences: 2, noRepeatNgramSize: 2,
                                lengthPenalty: 0.5), "beam3_ngram2_lp05_n2"),
            (TranslationOptions(beamSize: 3, maxNewTokens: 12, lengthPenalty: -1), "beam3_lpneg1"),
        ])
        let task = try TranslationTask.load(directory: Self.directory)
        #expect(throws: TaskError.invalidInput("no_repeat_ngram_size must be at least 0, got -1")) {
            try task.run(["Tom"], options: TranslationOptions(noRepeatNgramSize: -1))
        }
    }

    /// `repetition_penalty` against transformers' `generate` (training/fixtures/translation_repetition.py): greedy
    /// on logits, beam search on log-probabilities (penalties above and below 1), ids exactly, scores within 1e-4.
    @Test func repetitionPenaltyMatchesTransformersGenerate() throws {
        try expectMatchesGenerate("reference_repetition.json", [
            (TranslationOptions(beamSize: 1, maxNewTokens: 12, repetitionPenalty: 1.5), "greedy_rp15"),
            (TranslationOptions(beamSize: 3, maxNewTokens: 12, numReturnSequences: 2, repetitionPenalty: 2), "beam3_rp2_n2"),
            (TranslationOptions(beamSize: 3, maxNewTokens: 12, lengthPenalty: 0.5, repetitionPenalty: 0.7), "beam3_rp07_lp05"),
        ])
        let task = try TranslationTask.load(directory: Self.directory)
        #expect(throws: TaskError.invalidInput("repetition_penalty must be a positive number")) {
            try task.run(["Tom"], options: TranslationOptions(repetitionPenalty: 0))
        }
    }
}

/// The Translation task on the kotoba-seq2seq format (GRU + Bahdanau, as shipped) against
/// training/reference/search.py on the fixture from training/fixtures/translation_rnn.py: ids and text
/// exactly, scores and alignments within 1e-4.
@Suite struct RecurrentTranslationTaskTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/translation-rnn")

    struct Reference: Decodable {
        struct Output: Decodable {
            var ids: [Int]
            var score: Float
            var alignment: [[Float]]
            var text: String
        }
        struct Case: Decodable {
            var text: String
            var source_ids: [Int]
            var greedy: Output
            var beam3_n2: [Output]
        }
        var max_new_tokens: Int
        var cases: [Case]
    }

    private func expectClose(_ got: Translation, _ want: Reference.Output, _ label: String) {
        #expect(got.tokens == want.ids, "\(label)")
        #expect(got.translationText == want.text, "\(label)")
        #expect(abs(got.score - want.score) < 1e-4, "\(label): score \(got.score) vs \(want.score)")
        let alignment = got.alignment ?? []
        #expect(alignment.count == want.alignment.count, "\(label)")
        let worst = zip(alignment, want.alignment).flatMap { zip($0, $1).map { abs($0 - $1) } }.max() ?? .nan
        #expect(worst < 1e-4, "\(label): worst alignment difference \(worst)")
    }

    @Test func greedyAndBeamMatchTheReferenceSearch() throws {
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: Self.directory.appendingPathComponent("reference.json")))
        let task = try TranslationTask.load(directory: Self.directory)
        for example in reference.cases {
            #expect(try task.prepare(example.text).ids == example.source_ids)
            let greedy = try task.run([example.text], options: TranslationOptions(beamSize: 1, maxNewTokens: reference.max_new_tokens,
                                                                                  alignments: true))[0]
            #expect(greedy.translations.count == 1)
            expectClose(greedy.translations[0], example.greedy, "greedy \(example.text)")
            let beam = try task.run([example.text], options: TranslationOptions(beamSize: 3, maxNewTokens: reference.max_new_tokens,
                                                                                numReturnSequences: 2, alignments: true))[0]
            #expect(beam.translations.count == 2)
            for (got, want) in zip(beam.translations, example.beam3_n2) { expectClose(got, want, "beam \(example.text)") }
        }
    }

    @Test func alignmentsOnlyWhenAskedAndCancellationStops() throws {
        let task = try TranslationTask.load(directory: Self.directory)
        let plain = try task.run(["Tom is here."])[0]
        #expect(plain.translations[0].alignment == nil)
        #expect(throws: TaskError.cancelled) {
            try task.run(["Tom is here."], options: TranslationOptions(beamSize: 3), isCancelled: { true })
        }
        // Marian gives them too: one row per output token, each a distribution over the source's tokens.
        let marian = try TranslationTask.load(directory: TranslationTaskTests.directory)
        let aligned = try marian.run(["Tom"], options: TranslationOptions(alignments: true))[0]
        let translation = aligned.translations[0]
        let rows = try #require(translation.alignment)
        #expect(rows.count == translation.tokens.count)
        #expect(rows.allSatisfy { $0.count == aligned.input.inputTokens && abs($0.reduce(0, +) - 1) < 1e-4 })
    }
}

/// `do_sample` through the task on both backends: sampling with top-k 1 is greedy, a seed reproduces a request
/// alone or batched, `num_return_sequences` samples come back per input, and options that do not fit are named.
@Suite struct TranslationSamplingTests {
    static let models = [TranslationTaskTests.directory, RecurrentTranslationTaskTests.directory]
    static let texts = ["Tom is here.", "I like dogs.", "Where is the station?"]

    @Test(arguments: models)
    func topKOfOneSamplesTheGreedyTranslation(_ directory: URL) throws {
        let task = try TranslationTask.load(directory: directory)
        let greedy = try task.run(Self.texts, options: TranslationOptions(beamSize: 1, maxNewTokens: 12))
        let sampled = try task.run(Self.texts, options: TranslationOptions(maxNewTokens: 12, doSample: true, topK: 1, seed: 5))
        #expect(sampled.map { $0.translations.map(\.tokens) } == greedy.map { $0.translations.map(\.tokens) })
    }

    @Test(arguments: models)
    func aSeedReproducesEachInputAloneOrBatched(_ directory: URL) throws {
        let task = try TranslationTask.load(directory: directory)
        let options = TranslationOptions(maxNewTokens: 12, numReturnSequences: 2, doSample: true, temperature: 1.5,
                                         topK: 0, seed: 2024)
        let batched = try task.run(Self.texts, options: options)
        #expect(batched.allSatisfy { $0.translations.count == 2 })
        // Tokens, not scores: the scores' last bits depend on the batch shape (kernel blocking), the draws do not
        // unless a uniform number falls within an ulp of a boundary.
        for (index, text) in Self.texts.enumerated() {
            #expect(try task.run([text], options: options)[0].translations.map(\.tokens)
                == batched[index].translations.map(\.tokens), "\(text)")
        }
        var other = options
        let differs = try (1...5).contains { seed in
            other.seed = UInt64(seed)
            return try task.run(Self.texts, options: other).map { $0.translations.map(\.tokens) }
                != batched.map { $0.translations.map(\.tokens) }
        }
        #expect(differs, "five other seeds all gave the same samples")
    }

    @Test func optionsThatDoNotFitSamplingAreNamed() throws {
        let task = try TranslationTask.load(directory: TranslationTaskTests.directory)
        let cases: [(TranslationOptions, String)] = [
            (TranslationOptions(temperature: 0.7), "apply only when sampling"),
            (TranslationOptions(seed: 1), "apply only when sampling"),
            (TranslationOptions(beamSize: 4, doSample: true), "beam sampling is not supported"),
            (TranslationOptions(doSample: true, temperature: 0), "temperature must be a positive number"),
            (TranslationOptions(doSample: true, topP: 1.5), "top_p must be from 0 to 1"),
            (TranslationOptions(doSample: true, topK: -1), "top_k must be at least 0"),
        ]
        for (options, message) in cases {
            let error = #expect(throws: TaskError.self) { try task.run(["Tom"], options: options) }
            #expect(error?.description.contains(message) == true, "\(String(describing: error))")
        }
        // Sampling is not bounded by the beam width: four samples with the default single beam.
        #expect(try task.run(["Tom"], options: TranslationOptions(numReturnSequences: 4, doSample: true))[0]
            .translations.count == 4)
    }
}
