import Foundation
import KotobaTensor

/// The transformers logits processors Kotoba's searches apply, in the order `GenerationMixin._get_logits_processor`
/// builds them (src/transformers/generation/utils.py, v5.24.0): `RepetitionPenaltyLogitsProcessor`,
/// `NoRepeatNGramLogitsProcessor`,
/// `NoBadWordsLogitsProcessor` (single- and multi-token bad words), `MinLengthLogitsProcessor`,
/// `ForcedEOSTokenLogitsProcessor`, and last `LogitNormalization` (`renormalize_logits`), which log-softmaxes the
/// processed scores again.
///
/// They run on log-probabilities in beam search and on logits in greedy search, as in transformers; setting a score
/// to -inf (or forcing one token) picks the same argmax either way.
struct LogitsRules: Sendable {
    let noRepeatNgramSize: Int
    /// Single-token `bad_words_ids`.
    let bannedTokens: [Int]
    /// Longer `bad_words_ids`: the last token is banned when the sequence ends with all the others.
    let bannedSequences: [[Int]]
    /// `min_length`: every EOS is banned while the sequence (decoder_start included) is shorter.
    let minLength: Int
    let forcesEOSAtMaxLength: Bool
    let renormalizes: Bool
    /// Tokens that end a hypothesis (`eos_token_id`); banned by `minLength`.
    let eosTokenIDs: [Int]
    /// The token `forcesEOSAtMaxLength` forces (`forced_eos_token_id`).
    let forcedEOSTokenID: Int
    /// Length limit of the decoder sequence, decoder_start included (transformers' `max_length`).
    let maxLength: Int
    /// `repetition_penalty`; 1 is off.
    let repetitionPenalty: Float

    init(noRepeatNgramSize: Int, bannedTokens: [Int], bannedSequences: [[Int]] = [], minLength: Int = 0,
         forcesEOSAtMaxLength: Bool, renormalizes: Bool, eosTokenIDs: [Int], forcedEOSTokenID: Int? = nil,
         maxLength: Int, repetitionPenalty: Float = 1) {
        precondition(!eosTokenIDs.isEmpty, "a search needs an EOS token")
        self.noRepeatNgramSize = noRepeatNgramSize
        self.bannedTokens = bannedTokens
        self.bannedSequences = bannedSequences
        self.minLength = minLength
        self.forcesEOSAtMaxLength = forcesEOSAtMaxLength
        self.renormalizes = renormalizes
        self.eosTokenIDs = eosTokenIDs
        self.forcedEOSTokenID = forcedEOSTokenID ?? eosTokenIDs[0]
        self.maxLength = maxLength
        self.repetitionPenalty = repetitionPenalty
    }

    /// Applies the rules to the next-token scores of one row whose decoder sequence (decoder_start first) is
    /// `sequence`.
    /// `penalizingRepeats: false` leaves out the repetition penalty, for a search that applied it to the logits
    /// itself (greedy search penalises logits, not log-probabilities, as transformers does).
    func apply(_ row: UnsafeMutablePointer<Float>, vocabulary: Int, sequence: [Int], penalizingRepeats: Bool = true) {
        if penalizingRepeats { penalizeRepeats(row, vocabulary: vocabulary, sequence: sequence) }
        if noRepeatNgramSize > 0 {
            for token in NoRepeatNgram.banned(after: sequence, n: noRepeatNgramSize) { row[token] = -.infinity }
        }
        for token in bannedTokens { row[token] = -.infinity }
        for banned in bannedSequences where banned.count - 1 <= sequence.count {
            if sequence.suffix(banned.count - 1).elementsEqual(banned.dropLast()) { row[banned[banned.count - 1]] = -.infinity }
        }
        if sequence.count < minLength {
            for eos in eosTokenIDs { row[eos] = -.infinity }
        }
        // ForcedEOSTokenLogitsProcessor: when the next token is the last one allowed, only EOS remains (score 0).
        if forcesEOSAtMaxLength && sequence.count == maxLength - 1 {
            for v in 0..<vocabulary { row[v] = -.infinity }
            row[forcedEOSTokenID] = 0
        }
        if renormalizes { VectorMath.formLogSoftmax(UnsafeMutableBufferPointer(start: row, count: vocabulary)) }
    }

    /// `RepetitionPenaltyLogitsProcessor`: transformers gathers every id of the sequence, decoder_start included,
    /// and scatters the penalised scores back, so each distinct token is penalised once.
    func penalizeRepeats(_ row: UnsafeMutablePointer<Float>, vocabulary: Int, sequence: [Int]) {
        guard repetitionPenalty != 1 else { return }
        var seen = Set<Int>()
        for token in sequence where seen.insert(token).inserted && token >= 0 && token < vocabulary {
            let score = row[token]
            row[token] = score < 0 ? score * repetitionPenalty : score / repetitionPenalty
        }
    }
}
