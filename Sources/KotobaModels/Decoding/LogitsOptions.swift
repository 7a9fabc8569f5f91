/// The logits processors a search applies (`LogitsRules`), shared by `GreedyOptions` and `BeamOptions`; defaults are
/// transformers' `GenerationConfig` defaults (every processor off).
public struct LogitsOptions: Sendable, Equatable {
    /// `no_repeat_ngram_size`; 0 disables it.
    public var noRepeatNgramSize: Int
    /// Tokens never generated (transformers' single-token `bad_words_ids`, e.g. Marian's pad).
    public var bannedTokens: [Int]
    /// transformers' multi-token `bad_words_ids`: the last token never follows the others.
    public var bannedSequences: [[Int]]
    /// transformers' `min_length`: EOS is banned while the sequence, decoder_start included, is shorter.
    public var minLength: Int
    /// transformers' `forced_eos_token_id`: the last token allowed by `maxNewTokens` is EOS.
    public var forcesEOSAtMaxLength: Bool
    /// The token forced at the length limit; `nil` is the first EOS token.
    public var forcedEOSTokenID: Int?
    /// Tokens that end a hypothesis (`eos_token_id`); `nil` is the decoder's `eosTokenID`.
    public var eosTokenIDs: [Int]?
    /// transformers' `renormalize_logits`: log-softmax the scores again after the rules above.
    public var renormalizesLogits: Bool
    /// transformers' `repetition_penalty` (Keskar et al. 2019): the score of every token already in the decoder
    /// sequence is divided by it when positive, multiplied when negative; 1 disables it.
    public var repetitionPenalty: Float = 1

    /// Options with transformers' defaults for everything not given.
    public init(noRepeatNgramSize: Int = 0, bannedTokens: [Int] = [], bannedSequences: [[Int]] = [],
                minLength: Int = 0, forcesEOSAtMaxLength: Bool = false, forcedEOSTokenID: Int? = nil,
                eosTokenIDs: [Int]? = nil, renormalizesLogits: Bool = false) {
        self.noRepeatNgramSize = noRepeatNgramSize
        self.bannedTokens = bannedTokens
        self.bannedSequences = bannedSequences
        self.minLength = minLength
        self.forcesEOSAtMaxLength = forcesEOSAtMaxLength
        self.forcedEOSTokenID = forcedEOSTokenID
        self.eosTokenIDs = eosTokenIDs
        self.renormalizesLogits = renormalizesLogits
    }

    func validate(vocabulary: Int) throws(GenerationError) {
        guard noRepeatNgramSize >= 0 else { throw .invalidOption(name: "noRepeatNgramSize", reason: "must be ≥ 0") }
        guard repetitionPenalty.isFinite && repetitionPenalty > 0 else {
            throw .invalidOption(name: "repetitionPenalty", reason: "must be a positive number")
        }
        guard minLength >= 0 else { throw .invalidOption(name: "minLength", reason: "must be ≥ 0") }
        for token in bannedTokens where token < 0 || token >= vocabulary {
            throw .invalidOption(name: "bannedTokens", reason: "holds \(token), outside the vocabulary of \(vocabulary)")
        }
        guard bannedSequences.allSatisfy({ !$0.isEmpty }) else {
            throw .invalidOption(name: "bannedSequences", reason: "holds an empty sequence")
        }
        if let eosTokenIDs, eosTokenIDs.isEmpty { throw .invalidOption(name: "eosTokenIDs", reason: "is empty") }
        let ids = bannedSequences.flatMap { $0 } + (eosTokenIDs ?? []) + (forcedEOSTokenID.map { [$0] } ?? [])
        if let bad = ids.first(where: { $0 < 0 || $0 >= vocabulary }) {
            throw .invalidOption(name: "token ids", reason: "\(bad) is outside the vocabulary of \(vocabulary)")
        }
    }

    /// The rules for a decoder whose own EOS is `decoderEOS`, with sequences of at most `maxLength` tokens
    /// (decoder_start included).
    func rules(decoderEOS: Int, maxLength: Int) -> LogitsRules {
        LogitsRules(noRepeatNgramSize: noRepeatNgramSize, bannedTokens: bannedTokens, bannedSequences: bannedSequences,
                    minLength: minLength, forcesEOSAtMaxLength: forcesEOSAtMaxLength, renormalizes: renormalizesLogits,
                    eosTokenIDs: eosTokenIDs ?? [decoderEOS], forcedEOSTokenID: forcedEOSTokenID, maxLength: maxLength,
                    repetitionPenalty: repetitionPenalty)
    }
}
