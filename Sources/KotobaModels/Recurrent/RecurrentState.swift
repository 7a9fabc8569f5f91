import KotobaTensor

/// Final (or carried) state of one recurrent layer, laid out as PyTorch's `h_n` / `c_n` for a one-layer module:
/// `h` is `[directions, batch, hidden]`, `c` the same for LSTM and `nil` otherwise.
public struct RecurrentState: Sendable, Equatable {
    /// Hidden state `[directions, batch, hidden]`.
    public var h: Tensor
    /// LSTM cell state `[directions, batch, hidden]`; `nil` for RNN and GRU.
    public var c: Tensor?

    /// A state from its tensors.
    public init(h: Tensor, c: Tensor?) {
        self.h = h
        self.c = c
    }

    /// All-zero state, PyTorch's default `h_0` / `c_0`.
    public static func zeros(kind: RecurrentCellKind, directions: Int, batch: Int, hidden: Int) -> RecurrentState {
        let shape = [directions, batch, hidden]
        return RecurrentState(h: Tensor(shape: shape), c: kind.hasCellState ? Tensor(shape: shape) : nil)
    }

    /// Rows `rows` of a one-direction state, in that order (beam reordering and expansion).
    public func selecting(rows: [Int]) -> RecurrentState {
        RecurrentState(h: Self.select(h, rows), c: c.map { Self.select($0, rows) })
    }

    private static func select(_ t: Tensor, _ rows: [Int]) -> Tensor {
        let directions = t.shape[0], batch = t.shape[1], hidden = t.shape[2]
        var out = ContiguousArray<Float>(repeating: 0, count: directions * rows.count * hidden)
        t.storage.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for d in 0..<directions {
                    for (i, r) in rows.enumerated() {
                        precondition(r >= 0 && r < batch, "row \(r) out of \(batch)")
                        let from = src.baseAddress! + (d * batch + r) * hidden
                        (dst.baseAddress! + (d * rows.count + i) * hidden).update(from: from, count: hidden)
                    }
                }
            }
        }
        return Tensor(uncheckedShape: [directions, rows.count, hidden], storage: out)
    }
}
