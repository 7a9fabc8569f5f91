// `MarianMTModel.generate`: transformers 5.24.0's `GenerationMixin.generate` for Marian, as a thin adapter from the
// checkpoint's generation config onto Decoding's generic `GreedySearch` (`_sample`, with or without sampling) and
// `BeamSearch` (`_beam_search`) with `LogitsRules` (bad words, min_length, forced EOS, no-repeat n-grams,
// renormalisation). Marian has no search code of its own: the RNN models and Marian decode through the same searches.

extension MarianMTModel {
    /// Translates source ids (EOS included) with `options` (default: the checkpoint's generation config);
    /// per source, `numReturnSequences` hypotheses, best first. Scores: beam search gives transformers'
    /// `sequences_scores`; greedy search (for which transformers gives none) the sum of the chosen tokens' processed
    /// log-probabilities (`GreedySearch`'s score).
    ///
    /// `isCancelled` is polled before every decoder step; when it returns true generation throws
    /// `GenerationError.cancelled(step:)` and returns no partial result. With `alignments`, each hypothesis carries
    /// per generated token the last decoder layer's cross-attention weights averaged over heads (transformers'
    /// `cross_attentions[step][-1].mean(heads)`), over the source's real positions.
    ///
    /// With `doSample`, each source gives `numReturnSequences` samples in draw order; `seed` makes them
    /// reproducible (the same seed and source give the same samples, whatever else is in the batch), nil draws a
    /// fresh seed.
    public func generate(
        _ sentences: [[Int]], options: MarianGenerationConfig? = nil, alignments: Bool = false, seed: UInt64? = nil,
        isCancelled: () -> Bool = { false }
    ) throws(GenerationError) -> [[Hypothesis]] {
        let options = options ?? generationConfig
        try options.validate(vocabularySize: config.decoderVocabSize)
        guard options.maxLength <= config.maxPositions else {
            throw .invalidOption(name: "max_length", reason: "is \(options.maxLength); max_position_embeddings is \(config.maxPositions)")
        }
        let decoding = MarianDecoding(options, alignments: alignments)
        // The request's token ids, which may differ from the checkpoint's, drive the search.
        let decoder = MarianRequestDecoder(model: self, decoderStartTokenID: options.decoderStartTokenId,
                                           eosTokenID: options.eosTokenIds[0], padTokenID: options.padTokenId,
                                           alignments: alignments)
        if options.doSample {
            let rows = SampledRows(sentences, replicas: options.numReturnSequences, seed: seed)
            return rows.grouped(try GreedySearch(decoding.greedyOptions)(decoder, sources: rows.sources, seeds: rows.seeds,
                                                                         isCancelled: isCancelled))
        }
        if options.numBeams == 1 {
            return try GreedySearch(decoding.greedyOptions)(decoder, sources: sentences, isCancelled: isCancelled)
                .map { [$0] }
        }
        return try BeamSearch(decoding.beamOptions)(decoder, sources: sentences, isCancelled: isCancelled)
    }
}

/// A Marian generation config in Decoding's terms.
struct MarianDecoding {
    let options: MarianGenerationConfig
    /// Single-token `bad_words_ids`; transformers drops a bad word equal to `[eos]`.
    let bannedTokens: [Int]
    /// Longer `bad_words_ids`.
    let bannedSequences: [[Int]]
    /// Whether hypotheses carry per-token attention weights.
    let alignments: Bool

    init(_ options: MarianGenerationConfig, alignments: Bool = false) {
        self.options = options
        self.alignments = alignments
        let bad = options.badWordsIds.filter { !($0.count == 1 && options.eosTokenIds.contains($0[0])) }
        bannedTokens = bad.filter { $0.count == 1 }.map { $0[0] }
        bannedSequences = bad.filter { $0.count > 1 }
    }

    /// `num_beams == 1`: greedy search; `max_length` counts the decoder start token, `maxNewTokens` does not.
    var greedyOptions: GreedyOptions {
        var greedy = GreedyOptions(maxNewTokens: options.maxLength - 1, noRepeatNgramSize: options.noRepeatNgramSize,
                                   bannedTokens: bannedTokens, bannedSequences: bannedSequences, minLength: options.minLength,
                                   forcesEOSAtMaxLength: options.forcedEOSTokenId != nil,
                                   forcedEOSTokenID: options.forcedEOSTokenId, eosTokenIDs: options.eosTokenIds,
                                   renormalizesLogits: options.renormalizeLogits, alignments: alignments)
        greedy.logits.repetitionPenalty = Float(options.repetitionPenalty)
        greedy.sampling = options.doSample ? options.sampling : nil
        return greedy
    }

    /// Beam search of `num_beams` beams returning `num_return_sequences` hypotheses.
    var beamOptions: BeamOptions {
        var beam = BeamOptions(width: options.numBeams, lengthPenalty: options.lengthPenalty,
                               maxNewTokens: options.maxLength - 1, earlyStopping: options.earlyStopping,
                               noRepeatNgramSize: options.noRepeatNgramSize, bannedTokens: bannedTokens,
                               bannedSequences: bannedSequences, minLength: options.minLength,
                               forcesEOSAtMaxLength: options.forcedEOSTokenId != nil,
                               forcedEOSTokenID: options.forcedEOSTokenId, eosTokenIDs: options.eosTokenIds,
                               renormalizesLogits: options.renormalizeLogits, nBest: options.numReturnSequences,
                               alignments: alignments)
        beam.logits.repetitionPenalty = Float(options.repetitionPenalty)
        return beam
    }
}

/// `MarianMTModel` as a `Seq2SeqDecoder` with one request's decoder start, EOS and pad tokens.
struct MarianRequestDecoder: Seq2SeqDecoder {
    let model: MarianMTModel
    let decoderStartTokenID: Int
    let eosTokenID: Int
    let padTokenID: Int
    /// Whether the request asked for alignments; without, steps skip the attention averaging and its copy.
    let alignments: Bool

    var vocabularySize: Int { model.vocabularySize }
    func encode(_ sources: [[Int]]) throws(ModelError) -> MarianEncoderOutput { try model.encode(sources) }
    func initialState(_ encoded: MarianEncoderOutput) -> MarianDecoderState {
        let state = model.initialState(encoded)
        state.tracksAlignment = alignments
        return state
    }
    func step(tokens: [Int], state: MarianDecoderState) throws(ModelError) -> DecoderStep<MarianDecoderState> {
        try model.step(tokens: tokens, state: state)
    }
    func reorder(_ state: MarianDecoderState, rows: [Int]) -> MarianDecoderState { model.reorder(state, rows: rows) }
    func sources(of state: MarianDecoderState) -> [Int] { model.sources(of: state) }
    func sourceLengths(_ encoded: MarianEncoderOutput) -> [Int] { model.sourceLengths(encoded) }
}
