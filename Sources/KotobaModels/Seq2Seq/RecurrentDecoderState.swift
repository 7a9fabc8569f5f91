import KotobaTensor

/// The decoder state of Kotoba's seq2seq model, one row per hypothesis.
///
/// Reference: `DecoderState` in training/reference/seq2seq.py. The encoder memory is shared by every row (value
/// semantics make copies cheap until written, and nothing writes it); `sources[i]` names row i's source.
public struct RecurrentDecoderState: Sendable {
    /// Per decoder layer, `[1, rows, H]` (and the LSTM cell state).
    public var layers: [RecurrentState]
    /// Previous attentional vector h̃ `[rows, H]`, zeros before the first step (read only with input feeding).
    public var feed: Tensor
    /// Row → source index into `memory`.
    public var sources: [Int]
    /// The encoded sources with their precomputed attention keys.
    public let memory: AttentionMemory

    /// Number of hypothesis rows.
    public var rows: Int { sources.count }

    /// Row `i` of the result is row `rows[i]` of this state.
    public func selecting(rows picked: [Int]) -> RecurrentDecoderState {
        let width = feed.shape[1]
        var newFeed = ContiguousArray<Float>(repeating: 0, count: picked.count * width)
        for (i, r) in picked.enumerated() {
            precondition(r >= 0 && r < rows, "row \(r) out of \(rows)")
            for j in 0..<width { newFeed[i * width + j] = feed.storage[r * width + j] }
        }
        return RecurrentDecoderState(layers: layers.map { $0.selecting(rows: picked) },
                                     feed: Tensor(uncheckedShape: [picked.count, width], storage: newFeed),
                                     sources: picked.map { sources[$0] }, memory: memory)
    }
}
