// Incremental decoding for the Marian decoder: what transformers 5.24.0 keeps in `EncoderDecoderCache`
// (models/marian/modeling_marian.py, `MarianAttention.forward`: self-attention keys/values appended per step,
// cross-attention keys/values computed once and reused), laid out for beam search without copies.
//
// Layout: per layer, keys and values of position `p` for row `n` live at `[p, n, d]` in a buffer preallocated for
// `maxLength × rowCapacity` (allocated, not touched, so only decoded positions cost memory). Reordering beams does
// not move them: `slots[n, p]` names the row, in position `p`'s block, that holds row `n`'s ancestor. A reorder
// rewrites that small int table (CTranslate2 and Marian C++ gather the cache instead; this is cheaper still).
import KotobaTensor

/// The decoder's cache and scratch for one batch of hypotheses rows, owned by one search.
///
/// Not safe to share between concurrent searches; the model itself is.
public final class MarianDecoderState: @unchecked Sendable {
    /// Rows the buffers hold at most.
    public let rowCapacity: Int
    /// Positions the buffers hold at most (the decoder start token included).
    public let maxLength: Int
    /// Positions decoded so far.
    public private(set) var length = 0
    /// Source index of each current row.
    public private(set) var sourceOfRow: [Int]
    /// Number of current rows.
    public var rows: Int { sourceOfRow.count }

    let source: MarianSourceBatch
    let hiddenSize: Int
    private let config: MarianConfig
    /// Per layer `[maxLength, rowCapacity, d]`.
    let selfKeys: [MarianBuffer], selfValues: [MarianBuffer]
    /// Per layer `[B·S, 2d]` (k | v) of the encoder output.
    let crossKeyValues: [MarianBuffer]
    /// `[rowCapacity, maxLength]`: block row of each row's ancestor at each position.
    var slots: [Int32]
    private var spareSlots: [Int32]

    // Scratch for one step over at most `rowCapacity` rows.
    let hidden: MarianBuffer, qkv: MarianBuffer, query: MarianBuffer, context: MarianBuffer
    let projected: MarianBuffer, inner: MarianBuffer, scores: MarianBuffer
    /// `[rowCapacity, V]`: the last step's logits.
    let logits: MarianBuffer
    /// `[rowCapacity, S]`: the last step's cross-attention weights in the last layer, averaged over heads.
    let alignment: MarianBuffer
    /// Whether steps fill `alignment`; a search that reports no alignments turns it off and skips that work.
    var tracksAlignment = true

    convenience init(decoder: MarianDecoder, encoded: MarianEncoderOutput, sourceOfRow: [Int], rowCapacity: Int,
                     maxLength: Int) {
        self.init(config: decoder.config, source: encoded.source, crossKeyValues: decoder.crossKeyValues(encoded),
                  sourceOfRow: sourceOfRow, rowCapacity: rowCapacity, maxLength: maxLength)
    }

    private init(config: MarianConfig, source: MarianSourceBatch, crossKeyValues: [MarianBuffer], sourceOfRow: [Int],
                 rowCapacity: Int, maxLength: Int) {
        precondition(sourceOfRow.count <= rowCapacity && maxLength <= config.maxPositions)
        let d = config.hiddenSize
        self.rowCapacity = rowCapacity
        self.maxLength = maxLength
        self.sourceOfRow = sourceOfRow
        self.source = source
        self.hiddenSize = d
        self.config = config
        let cacheSize = maxLength * rowCapacity * d
        selfKeys = (0..<config.decoderLayers).map { _ in MarianBuffer(count: cacheSize, zeroed: false) }
        selfValues = (0..<config.decoderLayers).map { _ in MarianBuffer(count: cacheSize, zeroed: false) }
        self.crossKeyValues = crossKeyValues
        slots = [Int32](repeating: 0, count: rowCapacity * maxLength)
        spareSlots = slots
        hidden = MarianBuffer(count: rowCapacity * d)
        qkv = MarianBuffer(count: rowCapacity * 3 * d)
        query = MarianBuffer(count: rowCapacity * d)
        context = MarianBuffer(count: rowCapacity * d)
        projected = MarianBuffer(count: rowCapacity * d)
        inner = MarianBuffer(count: rowCapacity * config.decoderFFNSize)
        scores = MarianBuffer(count: max(maxLength, source.length) * max(rowCapacity, 1))
        logits = MarianBuffer(count: rowCapacity * config.decoderVocabSize)
        alignment = MarianBuffer(count: rowCapacity * source.length)
    }

    /// The state with row `i` taken from row `parents[i]`: this state reordered in place when the rows fit, else a
    /// larger state with the cache gathered into it (the one copy, typically when beams first expand the sources).
    public func reordered(_ parents: [Int]) -> MarianDecoderState {
        if parents.count <= rowCapacity {
            reorder(parents)
            return self
        }
        let grown = MarianDecoderState(config: config, source: source, crossKeyValues: crossKeyValues,
                                       sourceOfRow: parents.map { sourceOfRow[$0] }, rowCapacity: parents.count,
                                       maxLength: maxLength)
        let d = hiddenSize
        for position in 0..<length {
            for (n, parent) in parents.enumerated() {
                let from = (position * rowCapacity + Int(slots[parent * maxLength + position])) * d
                let to = (position * grown.rowCapacity + n) * d
                for layer in selfKeys.indices {
                    (grown.selfKeys[layer].pointer + to).update(from: selfKeys[layer].pointer + from, count: d)
                    (grown.selfValues[layer].pointer + to).update(from: selfValues[layer].pointer + from, count: d)
                }
                grown.slots[n * maxLength + position] = Int32(n)
            }
        }
        grown.length = length
        grown.tracksAlignment = tracksAlignment
        return grown
    }

    /// Row `i` becomes old row `parents[i]` (rows may repeat or be dropped); no cached key or value moves.
    public func reorder(_ parents: [Int]) {
        precondition(parents.count <= rowCapacity && parents.allSatisfy { $0 >= 0 && $0 < rows })
        if length > 0 {
            slots.withUnsafeBufferPointer { old in
                spareSlots.withUnsafeMutableBufferPointer { new in
                    for (n, parent) in parents.enumerated() {
                        (new.baseAddress! + n * maxLength).update(from: old.baseAddress! + parent * maxLength,
                                                                  count: length)
                    }
                }
            }
            swap(&slots, &spareSlots)
        }
        sourceOfRow = parents.map { sourceOfRow[$0] }
    }
}

extension MarianDecoder {
    /// A state for `sourceOfRow.count` rows (row `i` decodes source `sourceOfRow[i]`), holding up to
    /// `rowCapacity` rows and `maxLength` positions.
    public func makeState(_ encoded: MarianEncoderOutput, sourceOfRow: [Int], rowCapacity: Int? = nil,
                          maxLength: Int) throws(ModelError) -> MarianDecoderState {
        guard maxLength >= 1, maxLength <= config.maxPositions else {
            throw .invalidInput("max length \(maxLength) outside 1...\(config.maxPositions) (max_position_embeddings)")
        }
        guard sourceOfRow.allSatisfy({ $0 >= 0 && $0 < encoded.source.count }) else {
            throw .invalidInput("a row names a source outside 0..<\(encoded.source.count)")
        }
        return MarianDecoderState(decoder: self, encoded: encoded, sourceOfRow: sourceOfRow,
                                  rowCapacity: max(rowCapacity ?? sourceOfRow.count, sourceOfRow.count),
                                  maxLength: maxLength)
    }

    /// Feeds `tokens[n]` to row `n` at position `state.length`; returns `state.logits.pointer`, `[rows, V]`.
    @discardableResult
    func step(_ tokens: [Int], state: MarianDecoderState) -> UnsafeMutablePointer<Float> {
        let N = state.rows, d = config.hiddenSize, p = state.length, S = state.source.length
        precondition(tokens.count == N && p < state.maxLength)
        embed(tokens, position: { _ in p }, into: state.hidden.pointer)
        state.slots.withUnsafeMutableBufferPointer { slots in
            for n in 0..<N { slots[n * state.maxLength + p] = Int32(n) }
        }
        let blockStride = state.rowCapacity * d
        // Row n's scores (self-attention over ≤ maxLength positions, cross-attention over S) start here.
        let scoreStride = max(state.maxLength, S)
        // Rows of one source are adjacent in every search: the runs of them, [start, end).
        var runs: [(Int, Int)] = []
        var start = 0
        while start < N {
            var end = start + 1
            while end < N && state.sourceOfRow[end] == state.sourceOfRow[start] { end += 1 }
            runs.append((start, end))
            start = end
        }
        state.source.keyMask.withUnsafeBufferPointer { mask in
            state.slots.withUnsafeBufferPointer { slots in
                for (l, layer) in layers.enumerated() {
                    let a = layer.selfAttention, hidden = state.hidden.pointer
                    a.query.apply(hidden, rows: N, into: state.qkv.pointer)  // [N, 3d]: q | k | v
                    let keys = state.selfKeys[l].pointer, values = state.selfValues[l].pointer
                    for n in 0..<N {
                        let row = state.qkv.pointer + n * 3 * d
                        (keys + p * blockStride + n * d).update(from: row + d, count: d)
                        (values + p * blockStride + n * d).update(from: row + 2 * d, count: d)
                    }
                    // Each row attends over its own cache into its own stretch of the scores, so rows split
                    // across the cores.
                    Parallel.forEachRange(N, minimumPerThread: max(1, 50_000 / (2 * d * (p + 1)))) { range in
                        for n in range {
                            attendCached(query: state.qkv.pointer + n * 3 * d, keys: keys, values: values,
                                         slots: slots.baseAddress! + n * state.maxLength, positions: p + 1,
                                         blockStride: blockStride, heads: a.heads, headSize: a.headSize,
                                         scaling: a.scaling, scores: state.scores.pointer + n * scoreStride,
                                         out: state.context.pointer + n * d)
                        }
                    }
                    a.output.apply(state.context.pointer, rows: N, into: state.projected.pointer)
                    addInPlace(hidden, state.projected.pointer, count: N * d)
                    layer.selfAttentionNorm.apply(hidden, rows: N)

                    let c = layer.crossAttention
                    c.query.apply(hidden, rows: N, into: state.query.pointer)  // [N, d]
                    // The last layer's weights are the step's alignment (CTranslate2 and fairseq also take the
                    // last layer's; averaging the heads keeps every head's view), when the search wants one.
                    let isLast = state.tracksAlignment && l == layers.count - 1
                    if isLast { state.alignment.pointer.update(repeating: 0, count: N * S) }
                    // Each run of rows of one source is one product per head, the runs side by side on the cores.
                    Parallel.independentProducts(runs.count, work: 4 * d * S * N / max(runs.count, 1)) { r in
                        let (start, end) = runs[r]
                        let b = state.sourceOfRow[start]
                        let kv = state.crossKeyValues[l].pointer + b * S * 2 * d
                        attendAll(q: state.query.pointer + start * d, ldq: d, k: kv, v: kv + d, ldkv: 2 * d,
                                  queries: end - start, keys: S, heads: c.heads, headSize: c.headSize,
                                  scaling: c.scaling, keyMask: mask.baseAddress! + b * S, causal: false,
                                  scores: state.scores.pointer + start * scoreStride,
                                  out: state.context.pointer + start * d,
                                  headMean: isLast ? state.alignment.pointer + start * S : nil)
                    }
                    c.output.apply(state.context.pointer, rows: N, into: state.projected.pointer)
                    addInPlace(hidden, state.projected.pointer, count: N * d)
                    layer.crossAttentionNorm.apply(hidden, rows: N)

                    layer.feedForward(hidden, rows: N, inner: state.inner.pointer,
                                      projected: state.projected.pointer, activation: config.activation)
                }
            }
        }
        state.advance()
        project(state.hidden.pointer, rows: N, into: state.logits.pointer)
        return state.logits.pointer
    }
}

extension MarianDecoderState {
    fileprivate func advance() { length += 1 }
}

/// Attention of one query row over its cached positions `0..<positions`, following `slots` into the blocks.
@inline(__always)
private func attendCached(
    query: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
    slots: UnsafePointer<Int32>, positions: Int, blockStride: Int, heads: Int, headSize: Int, scaling: Float,
    scores: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>
) {
    let d = heads * headSize
    for h in 0..<heads {
        let offset = h * headSize
        for s in 0..<positions {
            let key = keys + s * blockStride + Int(slots[s]) * d + offset
            scores[s] = dot(query + offset, key, count: headSize) * scaling
        }
        VectorMath.formSoftmax(UnsafeMutableBufferPointer(start: scores, count: positions))
        let o = out + offset
        o.update(repeating: 0, count: headSize)
        for s in 0..<positions {
            axpy(scores[s], values + s * blockStride + Int(slots[s]) * d + offset, o, count: headSize)
        }
    }
}
