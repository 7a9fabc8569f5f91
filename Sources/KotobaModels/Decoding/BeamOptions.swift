/// When beam search may stop for a source, as transformers' `early_stopping` generation option.
public enum EarlyStopping: Sendable, Equatable {
    /// `early_stopping=False` (transformers' default): stop once the best running beam, length-penalised at the
    /// current length, cannot beat the worst of `width` finished hypotheses.
    case heuristic
    /// `early_stopping=True`: stop as soon as `width` hypotheses have finished.
    case whenFull
    /// `early_stopping="never"`: as `heuristic`, but with a positive length penalty the running beam is penalised at
    /// the maximum length, so the search runs while a longer hypothesis could still win.
    case never
}

/// Options of beam search; defaults are transformers' `GenerationConfig` defaults.
public struct BeamOptions: Sendable, Equatable {
    /// Number of beams per source (`num_beams`).
    public var width: Int
    /// Exponent of the length normalisation `Σ log p / length ** lengthPenalty` (`length_penalty`, default 1); a
    /// Double because transformers evaluates `length ** length_penalty` in Python floats.
    public var lengthPenalty: Double
    /// Tokens to generate at most per hypothesis, EOS counted (`max_new_tokens`).
    public var maxNewTokens: Int
    /// Stopping rule (`early_stopping`).
    public var earlyStopping: EarlyStopping
    /// The logits processors (no-repeat n-grams, bad words, min_length, forced EOS, renormalisation).
    public var logits: LogitsOptions
    /// `logits.noRepeatNgramSize`, kept for callers (e.g. reports) that read it off the beam options.
    public var noRepeatNgramSize: Int {
        get { logits.noRepeatNgramSize }
        set { logits.noRepeatNgramSize = newValue }
    }
    /// Hypotheses returned per source, best first (`num_return_sequences`), at most `width`.
    public var nBest: Int
    /// Whether hypotheses carry per-token attention weights.
    public var alignments: Bool

    /// Options with transformers' defaults for everything not given.
    public init(width: Int, lengthPenalty: Double = 1, maxNewTokens: Int, earlyStopping: EarlyStopping = .heuristic,
                noRepeatNgramSize: Int = 0, bannedTokens: [Int] = [], bannedSequences: [[Int]] = [],
                minLength: Int = 0, forcesEOSAtMaxLength: Bool = false, forcedEOSTokenID: Int? = nil,
                eosTokenIDs: [Int]? = nil, renormalizesLogits: Bool = false,
                nBest: Int = 1, alignments: Bool = false) {
        self.width = width
        self.lengthPenalty = lengthPenalty
        self.maxNewTokens = maxNewTokens
        self.earlyStopping = earlyStopping
        logits = LogitsOptions(noRepeatNgramSize: noRepeatNgramSize, bannedTokens: bannedTokens,
                               bannedSequences: bannedSequences, minLength: minLength,
                               forcesEOSAtMaxLength: forcesEOSAtMaxLength, forcedEOSTokenID: forcedEOSTokenID,
                               eosTokenIDs: eosTokenIDs, renormalizesLogits: renormalizesLogits)
        self.nBest = nBest
        self.alignments = alignments
    }

    func validate(vocabularySize: Int) throws(GenerationError) {
        guard width >= 1 else { throw .invalidOption(name: "width", reason: "must be at least 1") }
        guard maxNewTokens >= 1 else { throw .invalidOption(name: "maxNewTokens", reason: "must be at least 1") }
        guard nBest >= 1 && nBest <= width else { throw .invalidOption(name: "nBest", reason: "must be in 1...\(width)") }
        guard lengthPenalty.isFinite else { throw .invalidOption(name: "lengthPenalty", reason: "must be finite") }
        try logits.validate(vocabulary: vocabularySize)
        guard vocabularySize * width >= 2 * width else {
            throw .invalidOption(name: "width", reason: "needs a vocabulary of at least 2 tokens")
        }
    }
}
