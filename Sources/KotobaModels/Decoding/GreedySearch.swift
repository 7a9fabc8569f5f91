import KotobaTensor

/// Options of greedy decoding.
public struct GreedyOptions: Sendable, Equatable {
    /// Tokens to generate at most per source (decoder_start not counted; EOS counted).
    public var maxNewTokens: Int
    /// transformers' `no_repeat_ngram_size`; 0 disables it.
    public var noRepeatNgramSize: Int
    /// Tokens never generated (transformers' single-token `bad_words_ids`, e.g. Marian's pad).
    public var bannedTokens: [Int]
    /// transformers' `forced_eos_token_id`: the last token allowed by `maxNewTokens` is EOS.
    public var forcesEOSAtMaxLength: Bool
    /// transformers' `renormalize_logits`: log-softmax the scores again after the rules above.
    public var renormalizesLogits: Bool
    /// Whether hypotheses carry per-token attention weights.
    public var alignments: Bool

    /// Options with transformers' defaults for everything not given.
    public init(maxNewTokens: Int, noRepeatNgramSize: Int = 0, bannedTokens: [Int] = [],
                forcesEOSAtMaxLength: Bool = false, renormalizesLogits: Bool = false, alignments: Bool = false) {
        self.maxNewTokens = maxNewTokens
        self.noRepeatNgramSize = noRepeatNgramSize
        self.bannedTokens = bannedTokens
        self.forcesEOSAtMaxLength = forcesEOSAtMaxLength
        self.renormalizesLogits = renormalizesLogits
        self.alignments = alignments
    }
}

/// Greedy decoding as transformers' `GenerationMixin._sample` without sampling (generation/utils.py, v5.24.0):
/// each step takes the argmax of the (n-gram-filtered) logits; a row stops at EOS; the search stops when every row
/// has stopped or `maxNewTokens` tokens were generated. All sources are decoded as one batch.
public struct GreedySearch: Sendable {
    /// The options this search runs with.
    public let options: GreedyOptions

    /// A search with the given options.
    public init(_ options: GreedyOptions) { self.options = options }

    /// Decodes `sources` with `decoder`; one hypothesis per source.
    ///
    /// `isCancelled` is polled before every decoder step; when it returns true the search throws
    /// `GenerationError.cancelled(step:)` and returns no partial result.
    public func callAsFunction<D: Seq2SeqDecoder>(
        _ decoder: D, sources: [[Int]], isCancelled: @Sendable () -> Bool = { false }
    ) throws(GenerationError) -> [Hypothesis] {
        guard options.maxNewTokens >= 1 else { throw .invalidOption(name: "maxNewTokens", reason: "must be at least 1") }
        guard options.noRepeatNgramSize >= 0 else { throw .invalidOption(name: "noRepeatNgramSize", reason: "must be ≥ 0") }
        try LogitsRules.validate(bannedTokens: options.bannedTokens, vocabulary: decoder.vocabularySize)
        let rules = LogitsRules(noRepeatNgramSize: options.noRepeatNgramSize, bannedTokens: options.bannedTokens,
                                forcesEOSAtMaxLength: options.forcesEOSAtMaxLength,
                                renormalizes: options.renormalizesLogits, eosTokenID: decoder.eosTokenID,
                                maxLength: 1 + options.maxNewTokens)
        let encoded: D.Encoded
        do { encoded = try decoder.encode(sources) } catch { throw .model(error) }
        let lengths = decoder.sourceLengths(encoded)
        var state = decoder.initialState(encoded)
        let batch = sources.count, vocabulary = decoder.vocabularySize
        var sequences = [[Int]](repeating: [decoder.decoderStartTokenID], count: batch)
        var hypotheses = (0..<batch).map { _ in Hypothesis(tokens: [], score: 0, alignment: options.alignments ? [] : nil) }
        var unfinished = [Bool](repeating: true, count: batch)
        for step in 0..<options.maxNewTokens {
            if isCancelled() { throw .cancelled(step: step) }
            let result: DecoderStep<D.State>
            do { result = try decoder.step(tokens: sequences.map { $0[$0.count - 1] }, state: state) } catch {
                throw .model(error)
            }
            state = result.state
            var logProbs: Tensor
            do { logProbs = try result.logits.logSoftmax() } catch { throw .model(.invalidInput("\(error)")) }
            logProbs.storage.withUnsafeMutableBufferPointer { lp in
                for b in 0..<batch {
                    let row = lp.baseAddress! + b * vocabulary
                    rules.apply(row, vocabulary: vocabulary, sequence: sequences[b])
                    // argmax of log-softmax == argmax of the logits; the first maximum wins, as torch.argmax.
                    var best = 0
                    for v in 1..<vocabulary where row[v] > row[best] { best = v }
                    let next = unfinished[b] ? best : decoder.padTokenID
                    if unfinished[b] {
                        hypotheses[b].tokens.append(best)
                        hypotheses[b].score += row[best]
                        if options.alignments, let attention = result.attention {
                            hypotheses[b].alignment?.append(alignmentRow(attention, row: b, length: lengths[b]))
                        }
                    }
                    sequences[b].append(next)
                    if next == decoder.eosTokenID { unfinished[b] = false }
                }
            }
            if !unfinished.contains(true) { break }
        }
        return hypotheses
    }
}

/// Row `row` of `[rows, S]` attention weights, cut to the source's real `length`.
func alignmentRow(_ attention: Tensor, row: Int, length: Int) -> [Float] {
    let width = attention.shape[1]
    return Array(attention.storage[(row * width)..<(row * width + length)])
}
