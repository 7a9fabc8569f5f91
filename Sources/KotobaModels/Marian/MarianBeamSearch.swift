// Beam search as transformers 5.24.0 runs it: generation/utils.py `_beam_search` with `_get_top_k_continuations`,
// `_get_running_beams_for_next_iteration`, `_update_finished_beams`, `_check_early_stop_heuristic` and
// `_beam_search_has_unfinished_sequences`; the decoder prompt is the one decoder start token.
//
// Per source and step: the `keep = max(2, 1 + #eos)·beams` best (beam, token) continuations by accumulated
// log-probability; the best `beams` that did not stop (EOS, or the length limit) keep running; those among the first
// `beams` candidates that stopped compete, divided by `generated_length ** length_penalty`, for the `beams` finished
// slots. The -1e9 sentinels are added in Float32 exactly as the vectorised original adds them.
// All rows of all sources run as one decoder batch (one sgemm per projection over sources × beams).
import Foundation

/// transformers' beam search over a Marian decoder with the generation config's logits processors.
struct MarianBeamSearch {
    let decoder: MarianDecoder
    let processors: MarianLogitsProcessors

    private struct Beam {
        var tokens: [Int]
        var score: Float
    }

    private struct Slot {
        var tokens: [Int] = []
        var score: Float = -1.0e9
        var isFinished = false
    }

    private struct Candidate {
        var score: Float
        var beam: Int
        var token: Int
    }

    /// The search of one source.
    private struct Search {
        var running: [Beam]
        var slots: [Slot]
        var improvable = true
        var done = false
    }

    func search(_ encoded: MarianEncoderOutput,
                isCancelled: () -> Bool = { false }) throws(GenerationError) -> [[Hypothesis]] {
        let options = processors.options, vocabulary = decoder.vocabularySize
        let beams = options.numBeams, batch = encoded.source.count
        let keep = max(2, 1 + options.eosTokenIds.count) * beams
        let start = options.decoderStartTokenId
        let sourceOfRow = (0..<batch).flatMap { Array(repeating: $0, count: beams) }
        let state: MarianDecoderState
        do { state = try decoder.makeState(encoded, sourceOfRow: sourceOfRow, maxLength: options.maxLength) } catch {
            throw .model(error)
        }
        // Only beam 0 starts live, so the first step does not pick the same token `beams` times.
        var searches = (0..<batch).map { _ in
            Search(running: (0..<beams).map { Beam(tokens: [start], score: $0 == 0 ? 0 : -1.0e9) },
                   slots: Array(repeating: Slot(), count: beams))
        }
        var active = Array(0..<batch)  // sources whose rows are in `state`, in row order
        var curLen = 1
        while !active.isEmpty {
            if isCancelled() { throw .cancelled(step: curLen - 1) }
            let tokens = active.flatMap { b in searches[b].running.map { $0.tokens.last ?? start } }
            let logits = decoder.step(tokens, state: state)
            var parents: [Int] = []
            var stillActive: [Int] = []
            for (slot, b) in active.enumerated() {
                let candidates = topContinuations(logits + slot * beams * vocabulary, running: searches[b].running,
                                                  vocabulary: vocabulary, keep: keep)
                let stops = candidates.map { options.eosTokenIds.contains($0.token) || curLen + 1 >= options.maxLength }
                let previous = searches[b].running

                // `_get_running_beams_for_next_iteration`
                let penalised = zip(candidates, stops).map { $0.score + ($1 ? -1.0e9 : 0) }
                let next = topIndices(penalised, count: beams)
                searches[b].running = next.map { i in
                    Beam(tokens: previous[candidates[i].beam].tokens + [candidates[i].token], score: penalised[i])
                }

                // `_update_finished_beams`
                let divisor = Float(pow(Double(curLen), options.lengthPenalty))
                let full = searches[b].slots.allSatisfy(\.isFinished) && options.earlyStopping == .whenFull
                var merged = searches[b].slots
                for (i, candidate) in candidates.enumerated() {
                    var score = candidate.score / divisor
                    if full { score += -1.0e9 }
                    if !searches[b].improvable { score += -1.0e9 }
                    let finished = stops[i] && i < beams
                    if !finished { score += -1.0e9 }
                    merged.append(Slot(tokens: previous[candidate.beam].tokens + [candidate.token], score: score,
                                       isFinished: finished))
                }
                searches[b].slots = topIndices(merged.map(\.score), count: beams).map { merged[$0] }

                // `_check_early_stop_heuristic`, with cur_len already advanced.
                let bestLength = options.earlyStopping == .never && options.lengthPenalty > 0
                    ? options.maxLength - 1 : curLen
                let best = searches[b].running[0].score / Float(pow(Double(bestLength), options.lengthPenalty))
                let slots = searches[b].slots, lowest = slots.map(\.score).min() ?? -1.0e9
                let canImprove = slots.contains { best > ($0.isFinished ? lowest : -1.0e9) }
                searches[b].improvable = searches[b].improvable && canImprove
                let allFinished = slots.allSatisfy(\.isFinished)
                let over = !searches[b].improvable || (allFinished && options.earlyStopping == .whenFull)
                    || stops.allSatisfy { $0 }
                if !over {
                    stillActive.append(b)
                    parents += next.map { slot * beams + candidates[$0].beam }
                }
            }
            curLen += 1
            if !stillActive.isEmpty { state.reorder(parents) }
            active = stillActive
        }
        return searches.map { search in
            search.slots.prefix(options.numReturnSequences).map {
                Hypothesis(tokens: Array($0.tokens.dropFirst()), score: $0.score, alignment: nil)
            }
        }
    }

    /// `_get_top_k_continuations` for one source: its `keep` best (beam, token) pairs by accumulated score, best
    /// first, ties to the lower flat index. Rewrites the source's logits rows into processed log-probabilities.
    private func topContinuations(_ rows: UnsafeMutablePointer<Float>, running: [Beam], vocabulary: Int,
                                  keep: Int) -> [Candidate] {
        var top = [Candidate](repeating: Candidate(score: -.infinity, beam: -1, token: -1), count: keep)
        var threshold = -Float.infinity
        var filled = 0
        for (k, beam) in running.enumerated() {
            let row = rows + k * vocabulary
            processors.logProbabilities(row, history: beam.tokens)
            for v in 0..<vocabulary {
                let score = row[v] + beam.score
                guard score > threshold || filled < keep else { continue }
                var i = min(filled, keep - 1)
                while i > 0 && score > top[i - 1].score {
                    top[i] = top[i - 1]
                    i -= 1
                }
                top[i] = Candidate(score: score, beam: k, token: v)
                filled = min(filled + 1, keep)
                threshold = top[keep - 1].score
            }
        }
        return top
    }
}
