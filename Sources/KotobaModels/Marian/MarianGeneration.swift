// `MarianMTModel.generate`: greedy search and beam search exactly as transformers 5.24.0 runs them for Marian.
// Reference: generation/utils.py, `GenerationMixin.generate` → `_sample` (greedy: processed logits, argmax,
// finished rows padded, stop at EOS or max_length) and `_beam_search` (MarianBeamSearch.swift).
// Sources are independent in both searches, so a source whose search is over is dropped from the batch: the
// remaining rows decode exactly as they would beside it, and its finished hypotheses can no longer change.

extension MarianMTModel {
    /// Translates source ids (EOS included) with `options` (default: the checkpoint's generation config);
    /// per source, `numReturnSequences` hypotheses, best first. Scores: beam search gives transformers'
    /// `sequences_scores`; greedy search (for which transformers gives none) the sum of the log-softmax of the processed logits.
    ///
    /// `isCancelled` is polled before every decoder step; when it returns true generation throws
    /// `GenerationError.cancelled(step:)` and returns no partial result.
    public func generate(
        _ sentences: [[Int]], options: MarianGenerationConfig? = nil, isCancelled: () -> Bool = { false }
    ) throws(GenerationError) -> [[Hypothesis]] {
        let options = options ?? generationConfig
        try options.validate(vocabularySize: config.decoderVocabSize)
        guard options.maxLength <= config.maxPositions else {
            throw .invalidOption(name: "max_length", reason: "is \(options.maxLength); max_position_embeddings is \(config.maxPositions)")
        }
        let encoded: MarianEncoderOutput
        do { encoded = try encode(sentences) } catch { throw .model(error) }
        let processors = MarianLogitsProcessors(options, vocabulary: config.decoderVocabSize)
        if options.numBeams == 1 {
            return try greedy(encoded, processors: processors, isCancelled: isCancelled)
        }
        return try MarianBeamSearch(decoder: decoder, processors: processors)
            .search(encoded, isCancelled: isCancelled)
    }

    /// `_sample` without sampling: per row, the argmax of the processed logits.
    private func greedy(_ encoded: MarianEncoderOutput, processors: MarianLogitsProcessors,
                        isCancelled: () -> Bool) throws(GenerationError) -> [[Hypothesis]] {
        let options = processors.options, vocabulary = config.decoderVocabSize
        let batch = encoded.source.count
        let state: MarianDecoderState
        do { state = try decoder.makeState(encoded, sourceOfRow: Array(0..<batch), maxLength: options.maxLength) } catch {
            throw .model(error)
        }
        var scores = [Float](repeating: 0, count: batch)
        var histories = [[Int]](repeating: [options.decoderStartTokenId], count: batch)
        var active = Array(0..<batch)  // source of each state row
        while !active.isEmpty {
            if isCancelled() { throw .cancelled(step: state.length) }
            let logits = decoder.step(active.map { histories[$0].last ?? options.decoderStartTokenId }, state: state)
            var keep: [Int] = []
            for (r, source) in active.enumerated() {
                let row = logits + r * vocabulary
                processors.processedLogits(row, history: histories[source])
                // The first maximum wins, as torch.argmax.
                var best = 0
                for v in 1..<vocabulary where row[v] > row[best] { best = v }
                scores[source] += processors.logProbability(of: best, in: row)
                histories[source].append(best)
                let done = options.eosTokenIds.contains(best) || histories[source].count >= options.maxLength
                if !done { keep.append(r) }
            }
            if keep.count != active.count {
                state.reorder(keep)
                active = keep.map { active[$0] }
            }
        }
        return zip(histories, scores).map { [Hypothesis(tokens: Array($0.dropFirst()), score: $1, alignment: nil)] }
    }
}
