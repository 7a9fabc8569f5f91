// Decoding defaults of a Marian checkpoint: its generation_config.json, else the same keys in config.json, else
// transformers' global defaults.
// Reference: transformers 5.24.0, generation/configuration_utils.py (`GenerationConfig`,
// `_get_default_generation_params`: max_length 20, num_beams 1, length_penalty 1.0, early_stopping False, ...).
// Helsinki-NLP opus-mt checkpoints ship `bad_words_ids: [[pad]]`, `forced_eos_token_id: eos`, `num_beams: 4`,
// `max_length: 512`, `renormalize_logits: true`, `decoder_start_token_id: pad`.
import Foundation

/// How `MarianMTModel.generate` decodes; loaded from the checkpoint, every field overridable by the caller.
public struct MarianGenerationConfig: Sendable, Equatable {
    /// `max_length`: longest output, the decoder start token included.
    public var maxLength: Int = 20
    /// `min_length`: EOS is banned while the output (start token included) is shorter.
    public var minLength: Int = 0
    /// `num_beams`; 1 is greedy search.
    public var numBeams: Int = 1
    /// `length_penalty`: finished beam score is `Σ log p / generated_length ** lengthPenalty`.
    public var lengthPenalty: Double = 1
    /// `early_stopping` (Decoding's `EarlyStopping`, shared with `BeamSearch`).
    public var earlyStopping: EarlyStopping = .heuristic
    /// `no_repeat_ngram_size`; 0 disables it.
    public var noRepeatNgramSize: Int = 0
    /// `repetition_penalty`; 1 disables it.
    public var repetitionPenalty: Double = 1
    /// `num_return_sequences`: hypotheses per source, at most `numBeams` (any number of samples when sampling).
    public var numReturnSequences: Int = 1
    /// `do_sample`: draw each token (`SamplingOptions`) instead of searching; needs `numBeams` 1.
    public var doSample: Bool = false
    /// `temperature`, `top_k` (0: off) and `top_p` of sampling.
    public var temperature: Double = 1
    public var topK: Int = 50
    public var topP: Double = 1
    /// `bad_words_ids`: token sequences that may never be generated (Marian bans its pad token).
    public var badWordsIds: [[Int]] = []
    /// `forced_eos_token_id`: the only token allowed at position `maxLength - 1`.
    public var forcedEOSTokenId: Int?
    /// `renormalize_logits`: log-softmax again after the logits processors.
    public var renormalizeLogits: Bool = false
    /// `eos_token_id`.
    public var eosTokenIds: [Int]
    /// `pad_token_id`: fills finished rows.
    public var padTokenId: Int
    /// `decoder_start_token_id`.
    public var decoderStartTokenId: Int

    /// transformers' defaults, with the token ids of `config`.
    public init(modelConfig config: MarianConfig) {
        eosTokenIds = config.eosTokenIds
        padTokenId = config.padTokenId
        decoderStartTokenId = config.decoderStartTokenId
        forcedEOSTokenId = config.forcedEOSTokenId
    }

    /// Reads `generation_config.json` at `url` over the defaults of `config`.
    public init(contentsOf url: URL, modelConfig config: MarianConfig) throws(ModelError) {
        self.init(modelConfig: config)
        try apply(ConfigFile.decode(RawGenerationConfig.self, from: url), path: url.path)
    }

    /// The checkpoint's decoding defaults: `generation_config.json` in `directory` if present, else the legacy
    /// generation keys of `config.json` (older opus-mt exports keep them there).
    public init(directory: URL, modelConfig config: MarianConfig) throws(ModelError) {
        let generation = directory.appendingPathComponent("generation_config.json")
        let file = FileManager.default.fileExists(atPath: generation.path)
            ? generation : directory.appendingPathComponent("config.json")
        try self.init(contentsOf: file, modelConfig: config)
    }

    private mutating func apply(_ raw: RawGenerationConfig, path: String) throws(ModelError) {
        if let v = raw.max_length { maxLength = v }
        if let v = raw.min_length { minLength = v }
        if let v = raw.num_beams { numBeams = v }
        if let v = raw.length_penalty { lengthPenalty = v }
        if let v = raw.early_stopping { earlyStopping = v.value }
        if let v = raw.no_repeat_ngram_size { noRepeatNgramSize = v }
        if let v = raw.repetition_penalty { repetitionPenalty = v }
        if let v = raw.num_return_sequences { numReturnSequences = v }
        if let v = raw.do_sample { doSample = v }
        if let v = raw.temperature { temperature = v }
        if let v = raw.top_k { topK = v }
        if let v = raw.top_p { topP = v }
        if let v = raw.bad_words_ids { badWordsIds = v }
        if let v = raw.forced_eos_token_id { forcedEOSTokenId = v.ids.first }
        if let v = raw.renormalize_logits { renormalizeLogits = v }
        if let v = raw.eos_token_id { eosTokenIds = v.ids }
        if let v = raw.pad_token_id { padTokenId = v }
        if let v = raw.decoder_start_token_id { decoderStartTokenId = v }
        do { try validate() } catch {
            if case let .invalidOption(name, reason) = error {
                throw .invalidConfig(path: path, field: name, reason: reason)
            }
            throw .invalidConfig(path: path, field: "", reason: error.description)
        }
    }

    /// Checks the options against each other and the vocabulary; callers may set them per request.
    public func validate(vocabularySize: Int? = nil) throws(GenerationError) {
        guard maxLength >= 2 else { throw .invalidOption(name: "max_length", reason: "must be at least 2, is \(maxLength)") }
        guard numBeams >= 1 else { throw .invalidOption(name: "num_beams", reason: "must be at least 1, is \(numBeams)") }
        if doSample {
            guard numBeams == 1 else {
                throw .invalidOption(name: "do_sample", reason: "needs num_beams 1 (beam sampling is not supported), "
                                     + "num_beams is \(numBeams)")
            }
            guard numReturnSequences >= 1 else {
                throw .invalidOption(name: "num_return_sequences", reason: "must be at least 1, is \(numReturnSequences)")
            }
            try sampling.validate()
        } else {
            guard numReturnSequences >= 1 && numReturnSequences <= numBeams else {
                throw .invalidOption(name: "num_return_sequences", reason: "must be in 1...\(numBeams), is \(numReturnSequences)")
            }
        }
        guard noRepeatNgramSize >= 0 else { throw .invalidOption(name: "no_repeat_ngram_size", reason: "must be ≥ 0") }
        guard lengthPenalty.isFinite else { throw .invalidOption(name: "length_penalty", reason: "must be finite") }
        guard repetitionPenalty.isFinite && repetitionPenalty > 0 else {
            throw .invalidOption(name: "repetition_penalty", reason: "must be a positive number")
        }
        guard !eosTokenIds.isEmpty else { throw .invalidOption(name: "eos_token_id", reason: "is empty") }
        guard badWordsIds.allSatisfy({ !$0.isEmpty }) else { throw .invalidOption(name: "bad_words_ids", reason: "holds an empty list") }
        if let vocabularySize {
            let ids = eosTokenIds + [padTokenId, decoderStartTokenId] + badWordsIds.flatMap { $0 }
                + (forcedEOSTokenId.map { [$0] } ?? [])
            if let bad = ids.first(where: { $0 < 0 || $0 >= vocabularySize }) {
                throw .invalidOption(name: "token ids", reason: "\(bad) is outside the vocabulary of \(vocabularySize)")
            }
        }
    }
}

extension MarianGenerationConfig {
    /// The sampling warpers `doSample` applies.
    var sampling: SamplingOptions { SamplingOptions(temperature: Float(temperature), topK: topK, topP: Float(topP)) }
}

/// The keys of `generation_config.json` Kotoba honours, spelled as transformers writes them.
private struct RawGenerationConfig: Decodable {
    var max_length, min_length, num_beams, no_repeat_ngram_size, num_return_sequences: Int?
    var length_penalty, repetition_penalty, temperature, top_p: Double?
    var do_sample: Bool?
    var top_k: Int?
    var early_stopping: RawEarlyStopping?
    var bad_words_ids: [[Int]]?
    var forced_eos_token_id, eos_token_id: TokenIds?
    var renormalize_logits: Bool?
    var pad_token_id, decoder_start_token_id: Int?
}

/// `early_stopping` is a bool or the string "never".
private struct RawEarlyStopping: Decodable {
    var value: EarlyStopping

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            value = flag ? .whenFull : .heuristic
        } else if try container.decode(String.self) == "never" {
            value = .never
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "must be true, false or \"never\"")
        }
    }
}
