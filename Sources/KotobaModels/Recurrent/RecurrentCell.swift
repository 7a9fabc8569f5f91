import KotobaTensor

/// One direction of one recurrent layer: PyTorch's `weight_ih_l{k}`, `weight_hh_l{k}`, `bias_ih_l{k}`, `bias_hh_l{k}`
/// (with `_reverse` for the backward direction), plus `weight_peephole_l{k}` for `lstm_peephole`.
///
/// The input projection of every time step is one matrix product (`projectInputs`); the recurrence then costs one
/// `[rows, H] × W_hhᵀ` product and the gate math per step (`advance`).
public struct RecurrentCell: Sendable {
    /// Which gate equations run.
    public let kind: RecurrentCellKind
    /// Width of the input vectors.
    public let inputSize: Int
    /// Width of `h` (and `c`).
    public let hiddenSize: Int
    let weightIH: Tensor  // [G·H, inputSize]
    let weightHH: Tensor  // [G·H, H]
    let biasIH: Tensor  // [G·H]
    let biasHH: Tensor  // [G·H]
    let peephole: Tensor?  // [3·H]: p_i, p_f, p_o (lstm_peephole only)

    /// Wraps PyTorch-layout weights; shapes are checked by the loader, so a mismatch here is a Kotoba bug.
    package init(kind: RecurrentCellKind, weightIH: Tensor, weightHH: Tensor, biasIH: Tensor, biasHH: Tensor,
                 peephole: Tensor? = nil) {
        let gates = weightHH.shape[0]
        precondition(weightIH.rank == 2 && weightHH.rank == 2 && gates == kind.gateCount * weightHH.shape[1]
                     && weightIH.shape[0] == gates && biasIH.count == gates && biasHH.count == gates
                     && (peephole?.count ?? 0) == kind.peepholeCount * weightHH.shape[1],
                     "recurrent weights inconsistent: ih \(weightIH.shape) hh \(weightHH.shape) peephole \(peephole?.shape ?? [])")
        self.kind = kind
        self.inputSize = weightIH.shape[1]
        self.hiddenSize = weightHH.shape[1]
        self.weightIH = weightIH
        self.weightHH = weightHH
        self.biasIH = biasIH
        self.biasHH = biasHH
        self.peephole = peephole
    }

    /// Elements of one row of gate pre-activations.
    var gateWidth: Int { kind.gateCount * hiddenSize }

    /// `gx[rows, G·H] = x[rows, inputSize] · W_ihᵀ + b_ih`, one sgemm for all rows (all time steps of a batch).
    func projectInputs(_ x: UnsafePointer<Float>, rows: Int, into gx: UnsafeMutablePointer<Float>) {
        let width = gateWidth
        biasIH.storage.withUnsafeBufferPointer { bias in
            for r in 0..<rows { (gx + r * width).update(from: bias.baseAddress!, count: width) }
        }
        weightIH.storage.withUnsafeBufferPointer { w in
            BLAS.sgemm(transposeB: true, m: rows, n: width, k: inputSize, a: x, b: w.baseAddress!, beta: 1, c: gx)
        }
    }

    /// Advances `rows` states by one step. Row `r` reads its input gates at `gx + r * gxStride`; rows with
    /// `time >= lengths[r]` keep their state, which gives `pack_padded_sequence` semantics in both directions.
    /// `gh` is caller-owned scratch of `rows × G·H` floats, reused across steps.
    func advance(gx: UnsafePointer<Float>, gxStride: Int, h: UnsafeMutablePointer<Float>,
                 c: UnsafeMutablePointer<Float>?, rows: Int, gh: UnsafeMutablePointer<Float>,
                 time: Int = 0, lengths: UnsafeBufferPointer<Int>? = nil) {
        let width = gateWidth, hidden = hiddenSize
        weightHH.storage.withUnsafeBufferPointer { w in
            BLAS.sgemm(transposeB: true, m: rows, n: width, k: hidden, a: UnsafePointer(h), b: w.baseAddress!, c: gh)
        }
        biasHH.storage.withUnsafeBufferPointer { biasBuffer in
            withPeephole { peephole in
                let bias = biasBuffer.baseAddress!
                for r in 0..<rows {
                    if let lengths, time >= lengths[r] { continue }
                    let gxRow = gx + r * gxStride, ghRow = UnsafePointer(gh + r * width), hRow = h + r * hidden
                    switch kind {
                    case .rnnTanh: ElmanCell.update(relu: false, gx: gxRow, gh: ghRow, biasHH: bias, h: hRow, hidden: hidden)
                    case .rnnRelu: ElmanCell.update(relu: true, gx: gxRow, gh: ghRow, biasHH: bias, h: hRow, hidden: hidden)
                    case .gru: GRUCell.update(gx: gxRow, gh: ghRow, biasHH: bias, h: hRow, hidden: hidden)
                    case .lstm, .lstmPeephole:
                        guard let c else { preconditionFailure("LSTM cell advanced without a cell state") }
                        LSTMCell.update(gx: gxRow, gh: ghRow, biasHH: bias, peephole: peephole, h: hRow,
                                        c: c + r * hidden, hidden: hidden)
                    }
                }
            }
        }
    }

    /// Runs `body` with the peephole weights' address, `nil` for cells without them.
    private func withPeephole<R>(_ body: (UnsafePointer<Float>?) -> R) -> R {
        guard let peephole else { return body(nil) }
        return peephole.storage.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
