import Foundation
import KotobaTensor

/// Beam search, a port of transformers' vectorised `GenerationMixin._beam_search` (src/transformers/generation/
/// utils.py, v5.24.0: `_get_top_k_continuations`, `_get_running_beams_for_next_iteration`, `_update_finished_beams`,
/// `_check_early_stop_heuristic`, `_beam_search_has_unfinished_sequences`), with the decoder prompt being the single
/// decoder_start token. Kotoba's Python copy is training/reference/search.py; the fixtures pin the two together.
///
/// Per source and step: the `2·width` best continuations over all beams are ranked by accumulated log-probability;
/// the best `width` that did not stop (EOS or the length limit) keep running; those among the first `width` that did
/// stop compete, length-penalised, for the `width` finished slots. All sources are decoded as one batch of
/// `sources.count × width` rows; a source whose search is over keeps its finished slots unchanged while the others
/// run, exactly as the vectorised original — except that its rows leave the decoder batch, since nothing they
/// compute can reach a result any more (late steps then run on the rows still searching only).
public struct BeamSearch: Sendable {
    /// The options this search runs with.
    public let options: BeamOptions

    /// A search with the given options.
    public init(_ options: BeamOptions) { self.options = options }

    /// A live hypothesis.
    private struct Beam {
        var tokens: [Int]
        var score: Float
        var alignment: [[Float]]
    }

    /// A finished slot; empty slots score -1e9 as in transformers.
    private struct Slot {
        var tokens: [Int] = []
        var score: Float = -1.0e9
        var isFinished = false
        var alignment: [[Float]] = []
    }

    /// One of the top-K continuations of a source.
    private struct Candidate {
        var score: Float
        var beam: Int
        var token: Int
    }

    /// Decodes `sources`; per source, `nBest` hypotheses, best first.
    ///
    /// `isCancelled` is polled before every decoder step; when it returns true the search throws
    /// `GenerationError.cancelled(step:)` and returns no partial result.
    public func callAsFunction<D: Seq2SeqDecoder>(
        _ decoder: D, sources: [[Int]], isCancelled: () -> Bool = { false }
    ) throws(GenerationError) -> [[Hypothesis]] {
        let vocabulary = decoder.vocabularySize
        try options.validate(vocabularySize: vocabulary)
        let encoded: D.Encoded
        do { encoded = try decoder.encode(sources) } catch { throw .model(error) }
        let lengths = decoder.sourceLengths(encoded)
        let width = options.width, batch = sources.count
        let maxLength = 1 + options.maxNewTokens
        let rules = options.logits.rules(decoderEOS: decoder.eosTokenID, maxLength: maxLength)
        let eos = rules.eosTokenIDs
        let keep = max(2, 1 + eos.count) * width
        guard vocabulary >= keep / width else {
            throw .invalidOption(name: "eosTokenIDs", reason: "needs a vocabulary of more than \(eos.count) tokens")
        }
        var state = decoder.reorder(decoder.initialState(encoded),
                                    rows: (0..<batch).flatMap { Array(repeating: $0, count: width) })
        // Only beam 0 starts live, so the first step does not pick the same token `width` times.
        var running = (0..<batch).map { _ in
            (0..<width).map { Beam(tokens: [], score: $0 == 0 ? 0 : -1.0e9, alignment: []) }
        }
        var slots = [[Slot]](repeating: [Slot](repeating: Slot(), count: width), count: batch)
        var improvable = [Bool](repeating: true, count: batch)
        var active = Array(0..<batch)  // sources whose rows are in `state`, in row order
        var curLen = 1
        var step = 0
        while true {
            if isCancelled() { throw .cancelled(step: step) }
            let tokens = active.flatMap { running[$0].map { $0.tokens.last ?? decoder.decoderStartTokenID } }
            var result: DecoderStep<D.State>
            do { result = try decoder.step(tokens: tokens, state: state) } catch { throw .model(error) }
            // In place on the step's own logits, not on a copy (8 MB a step at beam 4 × 16 over a 32k vocabulary).
            var logProbs = result.takeLogits()
            do { try logProbs.formLogSoftmax() } catch { throw .model(.invalidInput("\(error)")) }
            // Each source's rules and top-k read and write its own rows only, so the sources split across the cores.
            let candidatesOfSource = logProbs.storage.withUnsafeMutableBufferPointer { lp in
                [[Candidate]](eachRowOf: active.count) { a in
                    topContinuations(lp.baseAddress!, source: a, running: running[active[a]], vocabulary: vocabulary,
                                     keep: keep, start: decoder.decoderStartTokenID, rules: rules)
                }
            }
            var nextRows: [Int] = []
            var everyCandidateStopped = true
            for (a, b) in active.enumerated() {
                let candidates = candidatesOfSource[a]
                let stops = candidates.map { eos.contains($0.token) || curLen + 1 >= maxLength }
                if stops.contains(false) { everyCandidateStopped = false }
                let attentionRow = { (beam: Int) -> [[Float]] in
                    guard self.options.alignments, let attention = result.attention else { return [] }
                    return [alignmentRow(attention, row: a * width + beam, length: lengths[b])]
                }

                // Running beams for the next step: the best `width` continuations that did not stop.
                let penalised = zip(candidates, stops).map { $0.score + ($1 ? -1.0e9 : 0) }
                let next = topIndices(penalised, count: width)
                let previous = running[b]
                running[b] = next.map { i in
                    let c = candidates[i], parent = previous[c.beam]
                    return Beam(tokens: parent.tokens + [c.token], score: penalised[i],
                                alignment: parent.alignment + attentionRow(c.beam))
                }
                nextRows += next.map { a * width + candidates[$0].beam }

                // Finished slots: the stopped ones among the first `width` candidates, length-penalised, compete.
                let full = slots[b].allSatisfy(\.isFinished)
                guard improvable[b], !(full && options.earlyStopping == .whenFull) else { continue }
                let penalty = Float(pow(Double(curLen), options.lengthPenalty))
                var merged = slots[b]
                for i in 0..<width where stops[i] {
                    let c = candidates[i], parent = previous[c.beam]
                    merged.append(Slot(tokens: parent.tokens + [c.token], score: c.score / penalty, isFinished: true,
                                       alignment: parent.alignment + attentionRow(c.beam)))
                }
                slots[b] = topIndices(merged.map(\.score), count: width).map { merged[$0] }
            }
            curLen += 1
            step += 1

            let bestLength = options.earlyStopping == .never && options.lengthPenalty > 0 ? maxLength - 1 : curLen - 1
            let penalty = Float(pow(Double(bestLength), options.lengthPenalty))
            for b in active where improvable[b] {
                let worst = slots[b].allSatisfy(\.isFinished) ? slots[b].map(\.score).min() ?? -1.0e9 : -1.0e9
                improvable[b] = running[b][0].score / penalty > worst
            }
            let everySlotFinished = slots.allSatisfy { $0.allSatisfy(\.isFinished) }
            let openBeam = !(everySlotFinished && options.earlyStopping == .whenFull)
            if !(improvable.contains(true) && openBeam && !everyCandidateStopped) { break }
            // A source that cannot improve, or whose slots are full under `.whenFull`, never changes its slots again
            // (the guard above), so its rows leave the batch. `everyCandidateStopped` only holds at the length limit,
            // which every source reaches at the same step, so dropping rows does not change when the search ends.
            let searching = active.indices.filter { a in
                let b = active[a]
                return improvable[b] && !(slots[b].allSatisfy(\.isFinished) && options.earlyStopping == .whenFull)
            }
            if searching.isEmpty { break }
            if searching.count == active.count {
                state = decoder.reorder(result.state, rows: nextRows)
            } else {
                state = decoder.reorder(result.state, rows: searching.flatMap { nextRows[($0 * width)..<(($0 + 1) * width)] })
                active = searching.map { active[$0] }
            }
        }
        return slots.map { sourceSlots in
            sourceSlots.prefix(options.nBest).map {
                Hypothesis(tokens: $0.tokens, score: $0.score, alignment: options.alignments ? $0.alignment : nil)
            }
        }
    }

    /// The `keep` best (beam, token) continuations of source `source` by accumulated log-probability, best first;
    /// the logits rules are applied to the log-probabilities in place. Ties go to the lower flat index, as a stable sort.
    private func topContinuations(_ lp: UnsafeMutablePointer<Float>, source: Int, running: [Beam], vocabulary: Int,
                                  keep: Int, start: Int, rules: LogitsRules) -> [Candidate] {
        var top = [Candidate](repeating: Candidate(score: -.infinity, beam: -1, token: -1), count: keep)
        for (k, beam) in running.enumerated() {
            let row = lp + (source * running.count + k) * vocabulary
            rules.apply(row, vocabulary: vocabulary, sequence: [start] + beam.tokens)
            for v in 0..<vocabulary {
                let score = row[v] + beam.score
                guard score > top[keep - 1].score || top[keep - 1].beam < 0 else { continue }
                var i = keep - 1
                while i > 0 && (score > top[i - 1].score || top[i - 1].beam < 0) {
                    top[i] = top[i - 1]
                    i -= 1
                }
                top[i] = Candidate(score: score, beam: k, token: v)
            }
        }
        return top
    }
}

/// Indices of the `count` largest values, largest first; ties keep the earlier index first.
func topIndices(_ values: [Float], count: Int) -> [Int] {
    Array(values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }.prefix(count))
}
