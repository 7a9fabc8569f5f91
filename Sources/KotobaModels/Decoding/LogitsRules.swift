import Foundation

/// The transformers logits processors Kotoba's searches apply, in the order `GenerationMixin._get_logits_processor`
/// builds them (src/transformers/generation/utils.py, v5.24.0): `NoRepeatNGramLogitsProcessor`,
/// `NoBadWordsLogitsProcessor` (single-token bad words), `ForcedEOSTokenLogitsProcessor`, and last
/// `LogitNormalization` (`renormalize_logits`), which log-softmaxes the processed scores again.
///
/// They run on log-probabilities in beam search and on logits in greedy search, as in transformers; setting a score
/// to -inf (or forcing one token) picks the same argmax either way.
struct LogitsRules: Sendable {
    let noRepeatNgramSize: Int
    let bannedTokens: [Int]
    let forcesEOSAtMaxLength: Bool
    let renormalizes: Bool
    let eosTokenID: Int
    /// Length limit of the decoder sequence, decoder_start included (transformers' `max_length`).
    let maxLength: Int

    /// Applies the rules to the next-token scores of one row whose decoder sequence (decoder_start first) is
    /// `sequence`.
    func apply(_ row: UnsafeMutablePointer<Float>, vocabulary: Int, sequence: [Int]) {
        if noRepeatNgramSize > 0 {
            for token in NoRepeatNgram.banned(after: sequence, n: noRepeatNgramSize) { row[token] = -.infinity }
        }
        for token in bannedTokens { row[token] = -.infinity }
        // ForcedEOSTokenLogitsProcessor: when the next token is the last one allowed, only EOS remains (score 0).
        if forcesEOSAtMaxLength && sequence.count == maxLength - 1 {
            for v in 0..<vocabulary { row[v] = -.infinity }
            row[eosTokenID] = 0
        }
        if renormalizes { logSoftmax(row, count: vocabulary) }
    }

    /// `x − max − log Σ exp(x − max)` in place, as `torch.log_softmax`.
    private func logSoftmax(_ row: UnsafeMutablePointer<Float>, count: Int) {
        var peak = -Float.infinity
        for v in 0..<count { peak = max(peak, row[v]) }
        guard peak > -.infinity else { return }
        var sum: Float = 0
        for v in 0..<count { sum += expf(row[v] - peak) }
        let shift = peak + logf(sum)
        for v in 0..<count { row[v] -= shift }
    }

    static func validate(bannedTokens: [Int], vocabulary: Int) throws(GenerationError) {
        for token in bannedTokens where token < 0 || token >= vocabulary {
            throw .invalidOption(name: "bannedTokens", reason: "holds \(token), outside the vocabulary of \(vocabulary)")
        }
    }
}
