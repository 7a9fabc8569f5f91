// `MarianMTModel.generate`: greedy search and beam search exactly as transformers 5.24.0 runs them for Marian.
// Reference: generation/utils.py, `GenerationMixin.generate` → `_sample` (greedy: processed logits, argmax,
// finished rows padded, stop at EOS or max_length) and `_beam_search` (MarianBeamSearch.swift).
// Sources are independent in both searches, so a source whose search is over is dropped from the batch: the
// remaining rows decode exactly as they would beside it, and its finished hypotheses can no longer change.

/// One generated sequence of a source.
public struct MarianHypothesis: Sendable, Equatable {
    /// Generated ids: the decoder start token excluded, EOS included when the sequence ended with it.
    public var tokens: [Int]
    /// Beam search: transformers' `sequences_scores` (`Σ log p / tokens.count ** length_penalty`). Greedy: `nil`,
    /// as transformers gives none.
    public var score: Float?

    /// A hypothesis from its parts.
    public init(tokens: [Int], score: Float?) {
        self.tokens = tokens
        self.score = score
    }
}

extension MarianMTModel {
    /// Translates source ids (EOS included) with `options` (default: the checkpoint's generation config);
    /// per source, `numReturnSequences` hypotheses, best first.
    public func generate(
        _ sentences: [[Int]], options: MarianGenerationConfig? = nil
    ) throws(ModelError) -> [[MarianHypothesis]] {
        let options = options ?? generationConfig
        try options.validate(vocabularySize: config.decoderVocabSize)
        guard options.maxLength >= 2, options.maxLength <= config.maxPositions else {
            throw .invalidInput("max_length \(options.maxLength) outside 2...\(config.maxPositions)")
        }
        let encoded = try encode(sentences)
        let processors = MarianLogitsProcessors(options, vocabulary: config.decoderVocabSize)
        if options.numBeams == 1 {
            return try greedy(encoded, processors: processors)
        }
        return try MarianBeamSearch(decoder: decoder, processors: processors)
            .search(encoded)
    }

    /// `_sample` without sampling: per row, the argmax of the processed logits.
    private func greedy(_ encoded: MarianEncoderOutput,
                        processors: MarianLogitsProcessors) throws(ModelError) -> [[MarianHypothesis]] {
        let options = processors.options, vocabulary = config.decoderVocabSize
        let batch = encoded.source.count
        let state = try decoder.makeState(encoded, sourceOfRow: Array(0..<batch), maxLength: options.maxLength)
        var histories = [[Int]](repeating: [options.decoderStartTokenId], count: batch)
        var active = Array(0..<batch)  // source of each state row
        while !active.isEmpty {
            let logits = decoder.step(active.map { histories[$0].last ?? options.decoderStartTokenId }, state: state)
            var keep: [Int] = []
            for (row, source) in active.enumerated() {
                let scores = logits + row * vocabulary
                processors.processedLogits(scores, history: histories[source])
                var best = 0
                for v in 1..<vocabulary where scores[v] > scores[best] { best = v }
                histories[source].append(best)
                let done = options.eosTokenIds.contains(best) || histories[source].count >= options.maxLength
                if !done { keep.append(row) }
            }
            if keep.count != active.count {
                state.reorder(keep)
                active = keep.map { active[$0] }
            }
        }
        return histories.map { [MarianHypothesis(tokens: Array($0.dropFirst()), score: nil)] }
    }
}
