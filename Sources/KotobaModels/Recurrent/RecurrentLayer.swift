import KotobaTensor

/// One recurrent layer over a padded batch, one or two directions (PyTorch `nn.RNN`/`nn.LSTM`/`nn.GRU` with
/// `num_layers=1`, `batch_first=True`); the directions' outputs are concatenated, forward first.
public struct RecurrentLayer: Sendable {
    /// Left-to-right direction (`*_l{k}` weights).
    public let forward: RecurrentCell
    /// Right-to-left direction (`*_l{k}_reverse` weights), `nil` for a unidirectional layer.
    public let backward: RecurrentCell?

    /// A layer from its directions; both must agree in kind and sizes (checked by the loader).
    package init(forward: RecurrentCell, backward: RecurrentCell?) {
        precondition(backward.map { $0.kind == forward.kind && $0.inputSize == forward.inputSize
                                    && $0.hiddenSize == forward.hiddenSize } ?? true, "directions disagree")
        self.forward = forward
        self.backward = backward
    }

    /// 1 or 2.
    public var directions: Int { backward == nil ? 1 : 2 }
    /// Width of one output vector, `directions × hidden`.
    public var outputSize: Int { directions * forward.hiddenSize }

    /// input `[B, T, inputSize]`, `lengths[b]` in `1...T` → output `[B, T, directions·H]` (zero past each length, as
    /// `pad_packed_sequence` returns) and the final state `[directions, B, H]` taken at each sequence's true end.
    func run(_ input: Tensor, lengths: [Int], initial: RecurrentState?) -> (output: Tensor, final: RecurrentState) {
        let batch = input.shape[0], steps = input.shape[1], hidden = forward.hiddenSize
        let outWidth = outputSize, stateCount = directions * batch * hidden
        var output = ContiguousArray<Float>(repeating: 0, count: batch * steps * outWidth)
        var h = initial?.h.storage ?? ContiguousArray(repeating: 0, count: stateCount)
        var c = forward.kind.hasCellState ? (initial?.c?.storage ?? ContiguousArray(repeating: 0, count: stateCount)) : []
        // Scratch reused by every step of both directions: all input gates, and one step's hidden gates.
        let gx = UnsafeMutablePointer<Float>.allocate(capacity: batch * steps * forward.gateWidth)
        let gh = UnsafeMutablePointer<Float>.allocate(capacity: batch * forward.gateWidth)
        defer { gx.deallocate(); gh.deallocate() }
        let cells = [forward] + (backward.map { [$0] } ?? [])
        input.storage.withUnsafeBufferPointer { x in
            lengths.withUnsafeBufferPointer { lengthBuffer in
                output.withUnsafeMutableBufferPointer { out in
                    h.withUnsafeMutableBufferPointer { hAll in
                        c.withUnsafeMutableBufferPointer { cAll in
                            for (direction, cell) in cells.enumerated() {
                                let width = cell.gateWidth
                                cell.projectInputs(x.baseAddress!, rows: batch * steps, into: gx)
                                let hDir = hAll.baseAddress! + direction * batch * hidden
                                let cDir = cAll.baseAddress.map { $0 + direction * batch * hidden }
                                for s in 0..<steps {
                                    let t = direction == 0 ? s : steps - 1 - s
                                    cell.advance(gx: gx + t * width, gxStride: steps * width, h: hDir, c: cDir,
                                                 rows: batch, gh: gh, time: t, lengths: lengthBuffer)
                                    for b in 0..<batch where t < lengthBuffer[b] {
                                        (out.baseAddress! + (b * steps + t) * outWidth + direction * hidden)
                                            .update(from: hDir + b * hidden, count: hidden)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let shape = [directions, batch, hidden]
        let final = RecurrentState(h: Tensor(uncheckedShape: shape, storage: h),
                                   c: forward.kind.hasCellState ? Tensor(uncheckedShape: shape, storage: c) : nil)
        return (Tensor(uncheckedShape: [batch, steps, outWidth], storage: output), final)
    }

    /// One time step of a unidirectional layer for `rows` hypotheses (the decoder's incremental path):
    /// input `[rows, inputSize]`, `state` `[1, rows, H]` updated in place → output `[rows, H]` (the new `h`).
    func step(_ input: Tensor, state: inout RecurrentState) -> Tensor {
        precondition(backward == nil, "a bidirectional layer cannot run one step at a time")
        let rows = input.shape[0], width = forward.gateWidth
        let gx = UnsafeMutablePointer<Float>.allocate(capacity: rows * width)
        let gh = UnsafeMutablePointer<Float>.allocate(capacity: rows * width)
        defer { gx.deallocate(); gh.deallocate() }
        input.storage.withUnsafeBufferPointer { forward.projectInputs($0.baseAddress!, rows: rows, into: gx) }
        var c = state.c?.storage ?? []
        state.h.storage.withUnsafeMutableBufferPointer { h in
            c.withUnsafeMutableBufferPointer { cBuffer in
                forward.advance(gx: gx, gxStride: width, h: h.baseAddress!, c: cBuffer.baseAddress, rows: rows, gh: gh)
            }
        }
        if state.c != nil { state.c = Tensor(uncheckedShape: state.h.shape, storage: c) }
        return Tensor(uncheckedShape: [rows, forward.hiddenSize], storage: state.h.storage)
    }
}
