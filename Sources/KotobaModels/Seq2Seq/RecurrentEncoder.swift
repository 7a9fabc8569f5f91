import KotobaTensor

/// The encoder of Kotoba's seq2seq model: `encoder.embedding` → `encoder.rnn` (stacked, optionally bidirectional
/// and residual) over a padded source batch.
///
/// Reference: `Encoder` in training/reference/seq2seq.py; recurrent semantics are PyTorch's with
/// `pack_padded_sequence`, so a source's outputs and final states do not depend on the padding around it.
public struct RecurrentEncoder: Sendable {
    let embedding: Embedding  // encoder.embedding   [src_vocab, E]
    let rnn: StackedRecurrent  // encoder.rnn.layers.{l}
    let padTokenID: Int

    /// Loads `encoder.*` for `config` from `weights` (scoped at the checkpoint root).
    public init(config: Seq2SeqConfig, weights: WeightStore) throws(ModelError) {
        let scope = weights.scoped("encoder")
        embedding = try scope.embedding("embedding", rows: config.srcVocabSize, width: config.embeddingSize)
        rnn = try scope.scoped("rnn").layeredRecurrent(config.cellType, inputSize: config.embeddingSize,
                                                        hiddenSize: config.hiddenSize, layers: config.encoderLayers,
                                                        bidirectional: config.bidirectionalEncoder,
                                                        residual: config.residual)
        padTokenID = config.padTokenID
    }

    /// Source token ids (each of its own length ≥ 1) → memory `[B, S, D·H]` (zero at padding, `S` the longest
    /// source), the lengths, and every layer's final state `[D, B, H]`.
    public func callAsFunction(_ sources: [[Int]]) throws(ModelError) -> (memory: Tensor, lengths: [Int], finals: [RecurrentState]) {
        guard !sources.isEmpty else { throw .invalidInput("no source sequences to encode") }
        let lengths = sources.map(\.count)
        guard let steps = lengths.max(), lengths.allSatisfy({ $0 > 0 }) else {
            throw .invalidInput("every source sequence needs at least one token; lengths \(lengths)")
        }
        // Padding positions are never read by the recurrence; the pad id just keeps the gather in range.
        let padded = sources.flatMap { $0 + Array(repeating: padTokenID, count: steps - $0.count) }
        let embedded = try embedding.tokens(padded, table: "encoder.embedding")  // [B·S, E]
        let input = Tensor(uncheckedShape: [sources.count, steps, embedding.width], storage: embedded.storage)
        let (memory, finals) = try rnn(input, lengths: lengths)
        return (memory, lengths, finals)
    }
}

/// Maps a bidirectional encoder's final states to the decoder's initial ones, `h₀ = W_h [h→; h←] + b_h` per layer
/// (and `c₀ = W_c [c→; c←] + b_c` for LSTM): `bridge.h`, `bridge.c` in the checkpoint.
///
/// Reference: `Bridge` in training/reference/seq2seq.py (linear, no activation, one projection shared by layers).
public struct DecoderBridge: Sendable {
    let h: Linear  // bridge.h  [H, 2H]
    let c: Linear?  // bridge.c [H, 2H], LSTM only

    /// Loads `bridge.*` for `config`.
    public init(config: Seq2SeqConfig, weights: WeightStore) throws(ModelError) {
        let scope = weights.scoped("bridge"), size = config.hiddenSize
        h = try scope.linear("h", in: 2 * size, out: size)
        c = config.cellType.hasCellState ? try scope.linear("c", in: 2 * size, out: size) : nil
    }

    /// Per layer, `[2, B, H]` → `[1, B, H]`.
    func callAsFunction(_ finals: [RecurrentState]) throws(ModelError) -> [RecurrentState] {
        var out: [RecurrentState] = []
        for state in finals {
            let hidden = try merge(state.h, with: h)
            let cell: Tensor? = if let stateC = state.c, let c { try merge(stateC, with: c) } else { nil }
            out.append(RecurrentState(h: hidden, c: cell))
        }
        return out
    }

    private func merge(_ state: Tensor, with linear: Linear) throws(ModelError) -> Tensor {
        let batch = state.shape[1], size = state.shape[2]
        // [h→ | h←] per row: interleave the two direction blocks into [B, 2H].
        var joined = ContiguousArray<Float>(repeating: 0, count: batch * 2 * size)
        for b in 0..<batch {
            for d in 0..<2 {
                for j in 0..<size { joined[(b * 2 + d) * size + j] = state.storage[(d * batch + b) * size + j] }
            }
        }
        do {
            let merged = try linear(Tensor(uncheckedShape: [batch, 2 * size], storage: joined))
            return Tensor(uncheckedShape: [1, batch, size], storage: merged.storage)
        } catch { throw .invalidInput("bridge: \(error)") }
    }
}
