import KotobaTensor

/// Options of greedy decoding.
public struct GreedyOptions: Sendable, Equatable {
    /// Tokens to generate at most per source (decoder_start not counted; EOS counted).
    public var maxNewTokens: Int
    /// The logits processors (no-repeat n-grams, bad words, min_length, forced EOS, renormalisation).
    public var logits: LogitsOptions
    /// Whether hypotheses carry per-token attention weights.
    public var alignments: Bool
    /// transformers' `do_sample=True`: each token is drawn from the warped distribution instead of taken as the
    /// argmax; nil is greedy.
    public var sampling: SamplingOptions?

    /// Options with transformers' defaults for everything not given.
    public init(maxNewTokens: Int, noRepeatNgramSize: Int = 0, bannedTokens: [Int] = [],
                bannedSequences: [[Int]] = [], minLength: Int = 0, forcesEOSAtMaxLength: Bool = false,
                forcedEOSTokenID: Int? = nil, eosTokenIDs: [Int]? = nil, renormalizesLogits: Bool = false,
                alignments: Bool = false) {
        self.maxNewTokens = maxNewTokens
        logits = LogitsOptions(noRepeatNgramSize: noRepeatNgramSize, bannedTokens: bannedTokens,
                               bannedSequences: bannedSequences, minLength: minLength,
                               forcesEOSAtMaxLength: forcesEOSAtMaxLength, forcedEOSTokenID: forcedEOSTokenID,
                               eosTokenIDs: eosTokenIDs, renormalizesLogits: renormalizesLogits)
        self.alignments = alignments
    }
}

/// Greedy decoding and sampling as transformers' `GenerationMixin._sample` (generation/utils.py, v5.24.0): each step
/// takes the argmax of the processed logits (`LogitsRules`), or with `options.sampling` draws from them; a row stops
/// at EOS; the search stops when every row has stopped or `maxNewTokens` tokens were generated. All sources are
/// decoded as one batch.
public struct GreedySearch: Sendable {
    /// The options this search runs with.
    public let options: GreedyOptions

    /// A search with the given options.
    public init(_ options: GreedyOptions) { self.options = options }

    /// Decodes `sources` with `decoder`; one hypothesis per source.
    ///
    /// `isCancelled` is polled before every decoder step; when it returns true the search throws
    /// `GenerationError.cancelled(step:)` and returns no partial result. When sampling, `seeds` holds one seed per
    /// source (`SamplingStream.seed`): each row draws from its own stream, so its tokens do not depend on the
    /// other rows of the batch.
    public func callAsFunction<D: Seq2SeqDecoder>(
        _ decoder: D, sources: [[Int]], seeds: [UInt64] = [], isCancelled: () -> Bool = { false }
    ) throws(GenerationError) -> [Hypothesis] {
        guard options.maxNewTokens >= 1 else { throw .invalidOption(name: "maxNewTokens", reason: "must be at least 1") }
        try options.logits.validate(vocabulary: decoder.vocabularySize)
        if let sampling = options.sampling {
            try sampling.validate()
            guard seeds.count == sources.count else {
                throw .invalidOption(name: "seeds", reason: "needs one seed per source, got \(seeds.count) for \(sources.count)")
            }
        }
        var streams = options.sampling == nil ? [] : seeds.map { SamplingStream(seed: $0) }
        let rules = options.logits.rules(decoderEOS: decoder.eosTokenID, maxLength: 1 + options.maxNewTokens)
        let eos = rules.eosTokenIDs
        let encoded: D.Encoded
        do { encoded = try decoder.encode(sources) } catch { throw .model(error) }
        let lengths = decoder.sourceLengths(encoded)
        var state = decoder.initialState(encoded)
        let batch = sources.count, vocabulary = decoder.vocabularySize
        var sequences = [[Int]](repeating: [decoder.decoderStartTokenID], count: batch)
        var hypotheses = (0..<batch).map { _ in Hypothesis(tokens: [], score: 0, alignment: options.alignments ? [] : nil) }
        // Source of each state row. A row that emitted EOS leaves the batch: transformers pads it until every row is
        // done, which changes no other row, so the rows still decoding run alone.
        var active = Array(0..<batch)
        for step in 0..<options.maxNewTokens {
            if isCancelled() { throw .cancelled(step: step) }
            var result: DecoderStep<D.State>
            do { result = try decoder.step(tokens: active.map { sequences[$0][sequences[$0].count - 1] }, state: state) } catch {
                throw .model(error)
            }
            // transformers' greedy search runs its processors on the logits; the repetition penalty is the one whose
            // outcome differs on log-probabilities (it divides positive scores), so it goes first, on the logits.
            // The penalty and the log-softmax run in place on the step's own logits.
            var logProbs = result.takeLogits()
            if rules.repetitionPenalty != 1 {
                logProbs.storage.withUnsafeMutableBufferPointer { all in
                    for (r, b) in active.enumerated() {
                        rules.penalizeRepeats(all.baseAddress! + r * vocabulary, vocabulary: vocabulary, sequence: sequences[b])
                    }
                }
            }
            do { try logProbs.formLogSoftmax() } catch { throw .model(.invalidInput("\(error)")) }
            var keep: [Int] = []
            logProbs.storage.withUnsafeMutableBufferPointer { lp in
                // Without sampling (whose streams advance in row order) each row's rules and argmax touch that row
                // only, so the rows split across the cores.
                let argmaxes = options.sampling != nil ? [] : [Int](eachRowOf: active.count) { r in
                    let row = lp.baseAddress! + r * vocabulary
                    rules.apply(row, vocabulary: vocabulary, sequence: sequences[active[r]], penalizingRepeats: false)
                    // argmax of log-softmax == argmax of the logits; the first maximum wins, as torch.argmax.
                    var best = 0
                    for v in 1..<vocabulary where row[v] > row[best] { best = v }
                    return best
                }
                for (r, b) in active.enumerated() {
                    let row = lp.baseAddress! + r * vocabulary
                    var best = 0
                    if let sampling = options.sampling {
                        rules.apply(row, vocabulary: vocabulary, sequence: sequences[b], penalizingRepeats: false)
                        best = sampling.draw(row, vocabulary: vocabulary, using: &streams[b])
                    } else {
                        best = argmaxes[r]
                    }
                    hypotheses[b].tokens.append(best)
                    hypotheses[b].score += row[best]
                    if options.alignments, let attention = result.attention {
                        hypotheses[b].alignment?.append(alignmentRow(attention, row: r, length: lengths[b]))
                    }
                    sequences[b].append(best)
                    if !eos.contains(best) { keep.append(r) }
                }
            }
            if keep.isEmpty { break }
            state = keep.count == active.count ? result.state : decoder.reorder(result.state, rows: keep)
            active = keep.map { active[$0] }
        }
        return hypotheses
    }
}

/// Row `row` of `[rows, S]` attention weights, cut to the source's real `length`.
func alignmentRow(_ attention: Tensor, row: Int, length: Int) -> [Float] {
    let width = attention.shape[1]
    return Array(attention.storage[(row * width)..<(row * width + length)])
}
