// The logits processors `generate` builds for a Marian generation config, in transformers' order.
// Reference: transformers 5.24.0, generation/utils.py `_get_logits_processor` and generation/logits_process.py:
// `NoRepeatNGramLogitsProcessor`, `NoBadWordsLogitsProcessor` (a `SequenceBiasLogitsProcessor` with -inf; sequences
// equal to `[eos]` are dropped), `MinLengthLogitsProcessor`, `ForcedEOSTokenLogitsProcessor` (at cur_len ==
// max_length - 1 every score becomes -inf and EOS 0), `LogitNormalization` (log-softmax, when renormalize_logits).
// Every processor but the last only writes -inf or forces EOS, so applying the bans before normalising gives the
// same scores as transformers' normalise → ban → renormalise, with one exp pass over the vocabulary.

import Foundation

/// The bans and forcing `generate` applies to one row's next-token scores.
struct MarianLogitsProcessors: Sendable {
    let options: MarianGenerationConfig
    let vocabulary: Int
    /// Single-token `bad_words_ids`.
    private let bannedTokens: [Int]
    /// Longer `bad_words_ids`: banned when the history ends with all but their last token.
    private let bannedSequences: [[Int]]

    init(_ options: MarianGenerationConfig, vocabulary: Int) {
        self.options = options
        self.vocabulary = vocabulary
        let eos = options.eosTokenIds
        let bad = options.badWordsIds.filter { !($0.count == 1 && eos.contains($0[0])) }
        bannedTokens = bad.filter { $0.count == 1 }.map { $0[0] }
        bannedSequences = bad.filter { $0.count > 1 }
    }

    /// Whether step `length` (the history's length, start token included) may only produce EOS.
    func forcesEOS(length: Int) -> Bool {
        options.forcedEOSTokenId != nil && length == options.maxLength - 1
    }

    /// Writes -inf over every token the processors ban after `history` (start token included).
    func ban(_ row: UnsafeMutablePointer<Float>, history: [Int]) {
        let n = options.noRepeatNgramSize
        if n > 0 && history.count >= n {
            // A window equal to the last n-1 tokens bans the token that followed it.
            let prefixStart = history.count - n + 1
            for start in 0...(history.count - n) {
                var matches = true
                for i in 0..<(n - 1) where history[start + i] != history[prefixStart + i] {
                    matches = false
                    break
                }
                if matches { row[history[start + n - 1]] = -.infinity }
            }
        }
        for token in bannedTokens { row[token] = -.infinity }
        for sequence in bannedSequences where sequence.count - 1 <= history.count {
            if history.suffix(sequence.count - 1).elementsEqual(sequence.dropLast()) {
                row[sequence[sequence.count - 1]] = -.infinity
            }
        }
        if history.count < options.minLength {
            for eos in options.eosTokenIds { row[eos] = -.infinity }
        }
    }

    /// `ForcedEOSTokenLogitsProcessor`: -inf everywhere, 0 at the forced EOS.
    func forceEOS(_ row: UnsafeMutablePointer<Float>) {
        row.update(repeating: -.infinity, count: vocabulary)
        if let eos = options.forcedEOSTokenId { row[eos] = 0 }
    }

    /// Beam search scores: log-softmax of the raw logits, processed, renormalised if configured — in place.
    func logProbabilities(_ row: UnsafeMutablePointer<Float>, history: [Int]) {
        if forcesEOS(length: history.count) {
            forceEOS(row)
            return
        }
        if options.renormalizeLogits {
            ban(row, history: history)
            subtractLogSumExp(row, count: vocabulary)
        } else {
            subtractLogSumExp(row, count: vocabulary)
            ban(row, history: history)
        }
    }

    /// Greedy search scores: the raw logits processed (normalising never changes the argmax).
    func processedLogits(_ row: UnsafeMutablePointer<Float>, history: [Int]) {
        if forcesEOS(length: history.count) {
            forceEOS(row)
        } else {
            ban(row, history: history)
        }
    }
}

extension MarianLogitsProcessors {
    /// `log_softmax(row)[token]` of an already processed row (greedy search's score).
    func logProbability(of token: Int, in row: UnsafePointer<Float>) -> Float {
        var maximum = -Float.infinity
        for i in 0..<vocabulary { maximum = max(maximum, row[i]) }
        var sum: Float = 0
        for i in 0..<vocabulary { sum += fastExp(row[i] - maximum) }
        return row[token] - maximum - log(sum)
    }
}

/// `x - logsumexp(x)` in place (log-softmax); -inf entries stay -inf.
func subtractLogSumExp(_ x: UnsafeMutablePointer<Float>, count: Int) {
    var maximum = -Float.infinity
    for i in 0..<count { maximum = max(maximum, x[i]) }
    guard maximum > -.infinity else { return }
    var sum: Float = 0
    for i in 0..<count { sum += fastExp(x[i] - maximum) }
    let shift = maximum + log(sum)
    for i in 0..<count { x[i] -= shift }
}
