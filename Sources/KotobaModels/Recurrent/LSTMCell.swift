import Foundation
import KotobaTensor

/// Gate math of PyTorch's `nn.LSTM` for one row; gate blocks in `weight_ih` / `weight_hh` are ordered i, f, g, o.
///
/// Reference: torch/nn/modules/rnn.py (`class LSTM` docstring, v2.13.0):
/// `i = σ(W_ii x + b_ii + W_hi h + b_hi)`, `f = σ(…)`, `g = tanh(…)`, `o = σ(…)`, `c' = f⊙c + i⊙g`, `h' = o⊙tanh(c')`.
enum LSTMCell {
    /// `gx` holds `x W_ihᵀ + b_ih` (4H), `gh` holds `h W_hhᵀ` (4H); updates `h` and `c` in place.
    @inline(__always)
    static func update(gx: UnsafePointer<Float>, gh: UnsafePointer<Float>, biasHH: UnsafePointer<Float>,
                       h: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>, hidden: Int) {
        var j = 0
        while j + 8 <= hidden {
            let i = RecurrentGates.sigmoid(preactivation(gx, gh, biasHH, gate: 0, hidden: hidden, j))
            let f = RecurrentGates.sigmoid(preactivation(gx, gh, biasHH, gate: 1, hidden: hidden, j))
            let g = RecurrentGates.tanh(preactivation(gx, gh, biasHH, gate: 2, hidden: hidden, j))
            let o = RecurrentGates.sigmoid(preactivation(gx, gh, biasHH, gate: 3, hidden: hidden, j))
            let cell = f * lanes(c, j) + i * g
            store(cell, c, j)
            store(o * RecurrentGates.tanh(cell), h, j)
            j += 8
        }
        for j in j..<hidden {
            let i = sigmoid(gx[j] + gh[j] + biasHH[j])
            let f = sigmoid(gx[hidden + j] + gh[hidden + j] + biasHH[hidden + j])
            let g = tanhf(gx[2 * hidden + j] + gh[2 * hidden + j] + biasHH[2 * hidden + j])
            let o = sigmoid(gx[3 * hidden + j] + gh[3 * hidden + j] + biasHH[3 * hidden + j])
            let cell = f * c[j] + i * g
            c[j] = cell
            h[j] = o * tanhf(cell)
        }
    }
}

/// Logistic function in the form PyTorch's CPU kernel evaluates, `1 / (1 + exp(-x))`.
@inline(__always)
func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }
