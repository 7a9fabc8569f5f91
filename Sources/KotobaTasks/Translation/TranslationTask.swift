// Reference: transformers `src/transformers/pipelines/text2text_generation.py` at v5.24.0
// (`TranslationPipeline`: tokenizer(text) → model.generate(**inputs, **generate_kwargs) →
// tokenizer.decode(ids, skip_special_tokens=True)) over `MarianMTModel.generate` and `MarianTokenizer`.
import Foundation
import KotobaModels
import KotobaTokenizers

/// One translation of an input, shaped as `TranslationPipeline` returns it, plus the search's score.
public struct Translation: Sendable, Codable, Equatable {
    /// The decoded target text, special tokens skipped.
    public var translationText: String
    /// Beam search: transformers' `sequences_scores` (length-penalised mean log-probability); greedy: the
    /// sum of the processed log-probabilities.
    public var score: Float
    /// Generated target ids after the decoder start token, EOS included when produced.
    public var tokens: [Int]

    enum CodingKeys: String, CodingKey {
        case translationText = "translation_text", score, tokens
    }
}

/// The translations of one input, best first, and how the input was encoded.
public struct TranslationResult: Sendable, Codable, Equatable {
    public var translations: [Translation]
    public var input: InputReport
}

/// Options of a translation request; nil fields take the checkpoint's generation_config.json values.
public struct TranslationOptions: Sendable, Equatable {
    /// Beam width (`num_beams`); 1 is greedy search.
    public var beamSize: Int?
    /// Most generated tokens after the decoder start token (`max_new_tokens`).
    public var maxNewTokens: Int?
    /// Hypotheses returned per input, at most `beamSize` (`num_return_sequences`).
    public var numReturnSequences: Int
    /// Cut source text longer than the model accepts (keeping its EOS) instead of rejecting it.
    public var truncate: Bool

    public init(beamSize: Int? = nil, maxNewTokens: Int? = nil, numReturnSequences: Int = 1, truncate: Bool = false) {
        self.beamSize = beamSize
        self.maxNewTokens = maxNewTokens
        self.numReturnSequences = numReturnSequences
        self.truncate = truncate
    }
}

/// Translation with a Marian checkpoint: `MarianTokenizer` (source.spm, target.spm, vocab.json) and
/// `MarianMTModel` with its generation config.
public struct TranslationTask: Sendable {
    let model: MarianMTModel
    let tokenizer: MarianTokenizer

    /// Loads the model, its generation config and its tokenizer from `directory`.
    public static func load(directory: URL) throws(TaskLoadError) -> TranslationTask {
        let model: MarianMTModel
        do { model = try MarianMTModel(directory: directory) } catch { throw .model(error) }
        let tokenizer: MarianTokenizer
        do { tokenizer = try MarianTokenizer(directory: directory) } catch { throw .tokenizer(error) }
        guard tokenizer.vocabulary.count <= model.config.vocabSize else {
            throw .vocabularyMismatch(directory: directory.path, tokenizer: tokenizer.vocabulary.count,
                                      model: model.config.vocabSize)
        }
        return TranslationTask(model: model, tokenizer: tokenizer)
    }

    /// The longest source the encoder's positions allow, EOS included.
    public var maxInputTokens: Int { model.config.maxPositions }

    /// The checkpoint's default beam width.
    public var defaultBeamSize: Int { model.generationConfig.numBeams }

    /// Source tokens for `text`, EOS included, before any truncation.
    public func tokenCount(_ text: String) -> Int {
        tokenizer.encodeSource(text).count
    }

    /// Translates each input in one batched search; `isCancelled` is polled before every decoder step and
    /// makes the search stop with `TaskError.cancelled`.
    public func run(_ texts: [String], options: TranslationOptions = TranslationOptions(),
                    isCancelled: () -> Bool = { false }) throws(TaskError) -> [TranslationResult] {
        guard !texts.isEmpty else { throw .invalidInput("no inputs") }
        var generation = model.generationConfig
        if let beamSize = options.beamSize {
            guard beamSize >= 1 else { throw .invalidInput("beam_size must be at least 1, got \(beamSize)") }
            generation.numBeams = beamSize
        }
        if let maxNewTokens = options.maxNewTokens {
            guard maxNewTokens >= 1 else { throw .invalidInput("max_new_tokens must be at least 1, got \(maxNewTokens)") }
            // transformers: max_new_tokens sets max_length to the decoder prompt (the start token) plus it.
            generation.maxLength = 1 + maxNewTokens
        }
        guard generation.maxLength <= model.config.maxPositions else {
            throw .invalidInput("max_new_tokens \(generation.maxLength - 1) needs more than the model's "
                                + "\(model.config.maxPositions) positions")
        }
        guard (1...generation.numBeams).contains(options.numReturnSequences) else {
            throw .invalidInput("num_return_sequences must be from 1 to the beam size \(generation.numBeams), "
                                + "got \(options.numReturnSequences)")
        }
        generation.numReturnSequences = options.numReturnSequences
        var sources: [[Int]] = []
        var reports: [InputReport] = []
        for text in texts {
            var ids = tokenizer.encodeSource(text)
            let removed = max(0, ids.count - maxInputTokens)
            if removed > 0 {
                guard options.truncate else { throw .inputTooLong(tokens: ids.count, limit: maxInputTokens) }
                // Right truncation keeps the special token at the end, as the tokenizer's truncation does.
                ids = Array(ids.prefix(maxInputTokens - 1)) + [tokenizer.endOfSequenceID]
            }
            sources.append(ids)
            reports.append(InputReport(inputTokens: ids.count, removedTokens: removed))
        }
        let hypotheses: [[Hypothesis]]
        do { hypotheses = try model.generate(sources, options: generation, isCancelled: isCancelled) } catch {
            if case .cancelled = error { throw .cancelled }
            throw .invalidInput(error.description)
        }
        return zip(hypotheses, reports).map { list, report in
            TranslationResult(translations: list.map { hypothesis in
                Translation(translationText: tokenizer.decodeTarget(hypothesis.tokens, skipSpecialTokens: true),
                            score: hypothesis.score, tokens: hypothesis.tokens)
            }, input: report)
        }
    }
}
