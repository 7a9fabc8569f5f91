// Reference: transformers `src/transformers/pipelines/text2text_generation.py` at v5.24.0
// (`TranslationPipeline`: tokenizer(text) → model.generate(**inputs, **generate_kwargs) →
// tokenizer.decode(ids, skip_special_tokens=True)) over `MarianMTModel.generate` and `MarianTokenizer`.
import Foundation
import KotobaModels
import KotobaTokenizers

/// One translation of an input, shaped as `TranslationPipeline` returns it, plus the search's score.
package struct Translation: Sendable, Codable, Equatable {
    /// The decoded target text, special tokens skipped.
    package var translationText: String
    /// Beam search: transformers' `sequences_scores` (length-penalised mean log-probability); greedy: the
    /// sum of the processed log-probabilities.
    package var score: Float
    /// Generated target ids after the decoder start token, EOS included when produced.
    package var tokens: [Int]
    /// Per generated token, the decoder's attention over the source tokens (only when asked for, and only
    /// from models that expose attention: the recurrent ones).
    package var alignment: [[Float]]?

    enum CodingKeys: String, CodingKey {
        case translationText = "translation_text", score, tokens, alignment
    }
}

/// The translations of one input, best first, and how the input was encoded.
package struct TranslationResult: Sendable, Codable, Equatable {
    package var translations: [Translation]
    package var input: InputReport
}

/// Options of a translation request; nil fields take the checkpoint's generation_config.json values.
package struct TranslationOptions: Sendable, Equatable {
    /// Beam width (`num_beams`); 1 is greedy search.
    package var beamSize: Int?
    /// Most generated tokens after the decoder start token (`max_new_tokens`).
    package var maxNewTokens: Int?
    /// Hypotheses returned per input, at most `beamSize` (`num_return_sequences`).
    package var numReturnSequences: Int
    /// Cut source text longer than the model accepts (keeping its EOS) instead of rejecting it.
    package var truncate: Bool
    /// Which end of an over-long source is cut (`truncation_side`); the EOS stays either way.
    package var side: TruncationSide
    /// Return each translation's attention over the source: per output token, the recurrent decoder's attention
    /// weights, or Marian's last-layer cross-attention averaged over heads.
    package var alignments: Bool
    /// `no_repeat_ngram_size`: no n-gram of this size occurs twice in an output (0 = off); nil keeps the
    /// checkpoint's generation config (0 for recurrent models).
    package var noRepeatNgramSize: Int?
    /// `length_penalty`: beam scores are `Σ log p / length ** lengthPenalty`; nil keeps the generation config's
    /// (1 for recurrent models).
    package var lengthPenalty: Double?
    /// `repetition_penalty`: scores of tokens already generated are divided by it (multiplied when negative);
    /// nil keeps the generation config's (1, off, for recurrent models).
    package var repetitionPenalty: Double?
    /// `do_sample`: draw each token instead of searching; nil keeps the generation config's (false for recurrent
    /// models).
    package var doSample: Bool?
    /// Sampling's `temperature`, `top_k` (0: off) and `top_p`; nil keeps the generation config's (1, 50, 1).
    package var temperature: Double?
    package var topK: Int?
    package var topP: Double?
    /// Makes sampling reproducible: the same seed and input give the same samples; nil draws a fresh one.
    package var seed: UInt64?

    package init(beamSize: Int? = nil, maxNewTokens: Int? = nil, numReturnSequences: Int = 1, truncate: Bool = false,
                side: TruncationSide = .right, alignments: Bool = false, noRepeatNgramSize: Int? = nil,
                lengthPenalty: Double? = nil, repetitionPenalty: Double? = nil, doSample: Bool? = nil,
                temperature: Double? = nil, topK: Int? = nil, topP: Double? = nil, seed: UInt64? = nil) {
        self.beamSize = beamSize
        self.maxNewTokens = maxNewTokens
        self.numReturnSequences = numReturnSequences
        self.truncate = truncate
        self.side = side
        self.alignments = alignments
        self.noRepeatNgramSize = noRepeatNgramSize
        self.lengthPenalty = lengthPenalty
        self.repetitionPenalty = repetitionPenalty
        self.doSample = doSample
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.seed = seed
    }
}

/// Translation with either checkpoint format: a Marian one (`MarianTokenizer` from source.spm, target.spm,
/// vocab.json; `MarianMTModel` with its generation config) or a `kotoba-seq2seq` one (the recurrent
/// encoder–decoder with attention, source_tokenizer.json and target_tokenizer.json, decoded by
/// `GreedySearch`/`BeamSearch`). config.json's `model_type` says which.
package struct TranslationTask: Sendable {
    let backend: Backend

    enum Backend: Sendable {
        case marian(MarianMTModel, MarianTokenizer)
        case recurrent(Seq2SeqModel, source: Tokenizer, target: Tokenizer)
    }

    /// A bound on a recurrent model's source, which has no position table: the batch token budget and the
    /// service's input limit need one.
    package static let recurrentMaxInputTokens = 1024

    /// Loads the model (whichever translation architecture `ModelRegistry` finds) and its tokenizers.
    public static func load(directory: URL, quantization: Quantization = .none) throws(TaskLoadError) -> TranslationTask {
        let loaded: any Sendable
        do { loaded = try ModelRegistry.load(directory, for: .translation, quantization: quantization) } catch { throw .model(error) }
        switch loaded {
        case let model as Seq2SeqModel:
            let source: Tokenizer, target: Tokenizer
            do {
                source = try Tokenizer.load(tokenizerJSON: directory.appendingPathComponent("source_tokenizer.json"))
                target = try Tokenizer.load(tokenizerJSON: directory.appendingPathComponent("target_tokenizer.json"))
            } catch { throw .tokenizer(error) }
            guard source.idLimit <= model.config.srcVocabSize else {
                throw .vocabularyMismatch(directory: directory.path, tokenizer: source.idLimit,
                                          model: model.config.srcVocabSize)
            }
            return TranslationTask(backend: .recurrent(model, source: source, target: target))
        case let model as MarianMTModel:
            let tokenizer: MarianTokenizer
            do { tokenizer = try MarianTokenizer(directory: directory) } catch { throw .tokenizer(error) }
            guard tokenizer.vocabulary.count <= model.config.vocabSize else {
                throw .vocabularyMismatch(directory: directory.path, tokenizer: tokenizer.vocabulary.count,
                                          model: model.config.vocabSize)
            }
            return TranslationTask(backend: .marian(model, tokenizer))
        default:
            // A translation architecture registered without a backend here: ours.
            throw .model(.unsupportedArchitecture(name: "\(type(of: loaded))",
                                                  supported: ModelRegistry.architectures(serving: .translation)))
        }
    }

    /// The longest source accepted, EOS included.
    package var maxInputTokens: Int {
        switch backend {
        case let .marian(model, _): model.config.maxPositions
        case .recurrent: Self.recurrentMaxInputTokens
        }
    }

    /// The default beam width: Marian's generation config; greedy for recurrent models.
    package var defaultBeamSize: Int {
        switch backend {
        case let .marian(model, _): model.generationConfig.numBeams
        case .recurrent: 1
        }
    }

    private func sourceIDs(_ text: String) throws(TaskError) -> [Int] {
        switch backend {
        case let .marian(_, tokenizer): return tokenizer.encodeSource(text)
        case let .recurrent(_, source, _):
            do { return try source.encode(text).ids } catch { throw TaskError(error) }
        }
    }

    private var endOfSequenceID: Int {
        switch backend {
        case let .marian(_, tokenizer): tokenizer.endOfSequenceID
        case let .recurrent(model, _, _): model.config.eosTokenID
        }
    }

    /// Whether `options` sample: the request's `do_sample`, else the generation config's.
    package func samples(_ options: TranslationOptions) -> Bool {
        if let doSample = options.doSample { return doSample }
        switch backend {
        case let .marian(model, _): return model.generationConfig.doSample
        case .recurrent: return false
        }
    }

    /// The beam width `options` run with: sampling draws one token at a time, so it defaults to 1, not to the
    /// generation config's beams.
    private func beams(_ options: TranslationOptions) -> Int {
        options.beamSize ?? (samples(options) ? 1 : defaultBeamSize)
    }

    /// Refuses options no input could be translated with; the one place they are checked.
    package func validate(_ options: TranslationOptions) throws(TaskError) {
        if let beamSize = options.beamSize, beamSize < 1 {
            throw .invalidInput("beam_size must be at least 1, got \(beamSize)")
        }
        if let maxNewTokens = options.maxNewTokens, maxNewTokens < 1 {
            throw .invalidInput("max_new_tokens must be at least 1, got \(maxNewTokens)")
        }
        if let size = options.noRepeatNgramSize, size < 0 {
            throw .invalidInput("no_repeat_ngram_size must be at least 0, got \(size)")
        }
        if let penalty = options.lengthPenalty, !penalty.isFinite {
            throw .invalidInput("length_penalty must be a finite number")
        }
        if let penalty = options.repetitionPenalty, !(penalty.isFinite && penalty > 0) {
            throw .invalidInput("repetition_penalty must be a positive number")
        }
        let beams = beams(options)
        guard samples(options) else {
            if options.temperature != nil || options.topK != nil || options.topP != nil || options.seed != nil {
                throw .invalidInput("temperature, top_k, top_p and seed apply only when sampling (do_sample: true)")
            }
            guard (1...beams).contains(options.numReturnSequences) else {
                throw .invalidInput("num_return_sequences must be from 1 to the beam size \(beams), "
                                    + "got \(options.numReturnSequences)")
            }
            return
        }
        guard beams == 1 else {
            throw .invalidInput("do_sample needs beam_size 1 (beam sampling is not supported), got \(beams)")
        }
        if let temperature = options.temperature, !(temperature.isFinite && temperature > 0) {
            throw .invalidInput("temperature must be a positive number")
        }
        if let topK = options.topK, topK < 0 { throw .invalidInput("top_k must be at least 0, got \(topK)") }
        if let topP = options.topP, !(topP >= 0 && topP <= 1) { throw .invalidInput("top_p must be from 0 to 1") }
        guard options.numReturnSequences >= 1 else {
            throw .invalidInput("num_return_sequences must be at least 1, got \(options.numReturnSequences)")
        }
    }

    /// Tokenizes one source, EOS included; an over-long one is cut (keeping its EOS) or refused, as
    /// `options.truncate` says.
    package func prepare(_ text: String, options: TranslationOptions = TranslationOptions()) throws(TaskError) -> PreparedInput {
        var ids = try sourceIDs(text)
        let removed = max(0, ids.count - maxInputTokens)
        if removed > 0 {
            guard options.truncate else { throw .inputTooLong(tokens: ids.count, limit: maxInputTokens) }
            // Either side keeps the special token at the end, as the tokenizer's truncation does: the tokenizer
            // cuts the text's ids and adds the special tokens afterwards.
            let text = ids.dropLast()
            let kept = options.side == .right ? text.prefix(maxInputTokens - 1) : text.suffix(maxInputTokens - 1)
            ids = Array(kept) + [endOfSequenceID]
        }
        return PreparedInput(ids: ids, typeIds: [], report: InputReport(inputTokens: ids.count, removedTokens: removed))
    }

    /// Translates each input in one batched search; `isCancelled` is polled before every decoder step and
    /// makes the search stop with `TaskError.cancelled`.
    package func run(_ texts: [String], options: TranslationOptions = TranslationOptions(),
                    isCancelled: @escaping @Sendable () -> Bool = { false }) throws(TaskError) -> [TranslationResult] {
        try validate(options)
        let inputs = try PreparedInput.each(texts) { (text) throws(TaskError) in try prepare(text, options: options) }
        return try run(inputs, options: options, isCancelled: isCancelled)
    }

    /// Translates each prepared input in one batched search; `options` are assumed valid (`validate`).
    package func run(_ inputs: [PreparedInput], options: TranslationOptions = TranslationOptions(),
                    isCancelled: @escaping @Sendable () -> Bool = { false }) throws(TaskError) -> [TranslationResult] {
        guard !inputs.isEmpty else { throw .invalidInput("no inputs") }
        let sources = inputs.map(\.ids)
        let beams = beams(options)
        let hypotheses: [[Hypothesis]]
        do {
            switch backend {
            case let .marian(model, _):
                hypotheses = try marian(model, sources, options, beams: beams, isCancelled: isCancelled)
            case let .recurrent(model, _, _):
                hypotheses = try recurrent(model, sources, options, beams: beams, isCancelled: isCancelled)
            }
        } catch {
            throw TaskError(error)
        }
        return zip(hypotheses, inputs).map { list, input in
            TranslationResult(translations: list.map { hypothesis in
                Translation(translationText: decode(hypothesis.tokens), score: hypothesis.score,
                            tokens: hypothesis.tokens, alignment: options.alignments ? hypothesis.alignment : nil)
            }, input: input.report)
        }
    }

    private func decode(_ ids: [Int]) -> String {
        switch backend {
        case let .marian(_, tokenizer): tokenizer.decodeTarget(ids, skipSpecialTokens: true)
        case let .recurrent(_, _, target): target.decode(ids, skipSpecialTokens: true)
        }
    }

    private func marian(_ model: MarianMTModel, _ sources: [[Int]], _ options: TranslationOptions, beams: Int,
                        isCancelled: () -> Bool) throws(GenerationError) -> [[Hypothesis]] {
        var generation = model.generationConfig
        generation.numBeams = beams
        if let maxNewTokens = options.maxNewTokens {
            // transformers: max_new_tokens sets max_length to the decoder prompt (the start token) plus it.
            generation.maxLength = 1 + maxNewTokens
        }
        guard generation.maxLength <= model.config.maxPositions else {
            throw .invalidOption(name: "max_new_tokens", reason: "\(generation.maxLength - 1) needs more than the "
                                 + "model's \(model.config.maxPositions) positions")
        }
        generation.numReturnSequences = options.numReturnSequences
        if let size = options.noRepeatNgramSize { generation.noRepeatNgramSize = size }
        if let penalty = options.lengthPenalty { generation.lengthPenalty = penalty }
        if let penalty = options.repetitionPenalty { generation.repetitionPenalty = penalty }
        generation.doSample = samples(options)
        if let temperature = options.temperature { generation.temperature = temperature }
        if let topK = options.topK { generation.topK = topK }
        if let topP = options.topP { generation.topP = topP }
        return try model.generate(sources, options: generation, alignments: options.alignments, seed: options.seed,
                                  isCancelled: isCancelled)
    }

    /// training/reference/search.py's conventions: greedy, or beam search with length penalty 1 and
    /// `early_stopping=False` (transformers' heuristic); a request may set the n-gram ban and the length penalty.
    private func recurrent(_ model: Seq2SeqModel, _ sources: [[Int]], _ options: TranslationOptions, beams: Int,
                           isCancelled: @escaping @Sendable () -> Bool) throws(GenerationError) -> [[Hypothesis]] {
        let maxNewTokens = options.maxNewTokens ?? model.config.maxLength
        let repetitionPenalty = Float(options.repetitionPenalty ?? 1)
        if beams == 1 {
            var greedy = GreedyOptions(maxNewTokens: maxNewTokens, noRepeatNgramSize: options.noRepeatNgramSize ?? 0,
                                       alignments: options.alignments)
            greedy.logits.repetitionPenalty = repetitionPenalty
            guard samples(options) else {
                return try GreedySearch(greedy)(model, sources: sources, isCancelled: isCancelled).map { [$0] }
            }
            let defaults = SamplingOptions()
            greedy.sampling = SamplingOptions(temperature: options.temperature.map(Float.init) ?? defaults.temperature,
                                              topK: options.topK ?? defaults.topK,
                                              topP: options.topP.map(Float.init) ?? defaults.topP)
            let rows = SampledRows(sources, replicas: options.numReturnSequences, seed: options.seed)
            return rows.grouped(try GreedySearch(greedy)(model, sources: rows.sources, seeds: rows.seeds,
                                                         isCancelled: isCancelled))
        }
        var beam = BeamOptions(width: beams, lengthPenalty: options.lengthPenalty ?? 1, maxNewTokens: maxNewTokens,
                               earlyStopping: .heuristic, noRepeatNgramSize: options.noRepeatNgramSize ?? 0,
                               nBest: options.numReturnSequences, alignments: options.alignments)
        beam.logits.repetitionPenalty = repetitionPenalty
        return try BeamSearch(beam)(model, sources: sources, isCancelled: isCancelled)
    }
}
