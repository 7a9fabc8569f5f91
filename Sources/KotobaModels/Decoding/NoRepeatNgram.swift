/// transformers' `NoRepeatNGramLogitsProcessor` (src/transformers/generation/logits_process.py, v5.24.0): a token is
/// banned when, appended to the sequence, it would complete an n-gram that already occurs in it.
enum NoRepeatNgram {
    /// Tokens banned after `sequence` (decoder_start first, as transformers' `input_ids`), for n-grams of size `n`.
    static func banned(after sequence: [Int], n: Int) -> [Int] {
        guard n > 0, sequence.count >= n else { return [] }
        let prefix = sequence[(sequence.count - n + 1)...]
        var banned: [Int] = []
        for start in 0...(sequence.count - n) where sequence[start..<(start + n - 1)].elementsEqual(prefix) {
            banned.append(sequence[start + n - 1])
        }
        return banned
    }
}
