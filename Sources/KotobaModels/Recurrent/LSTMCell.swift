import Foundation
import KotobaTensor

/// Gate math of PyTorch's `nn.LSTM` for one row, and of its peephole variant; gate blocks in `weight_ih` /
/// `weight_hh` are ordered i, f, g, o.
///
/// Reference: torch/nn/modules/rnn.py (`class LSTM` docstring, v2.13.0):
/// `i = σ(W_ii x + b_ii + W_hi h + b_hi)`, `f = σ(…)`, `g = tanh(…)`, `o = σ(…)`, `c' = f⊙c + i⊙g`, `h' = o⊙tanh(c')`.
/// Peepholes (Gers & Schmidhuber 2000, "Recurrent Nets that Time and Count", §2; training/reference/peephole_lstm.py)
/// add `p_i ⊙ c` to i's and `p_f ⊙ c` to f's pre-activation, and `p_o ⊙ c'` to o's: the output gate sees the new cell.
enum LSTMCell {
    /// `gx` holds `x W_ihᵀ + b_ih` (4H), `gh` holds `h W_hhᵀ` (4H), `peephole` p_i, p_f, p_o (3H) or `nil` for the
    /// plain LSTM; updates `h` and `c` in place.
    @inline(__always)
    static func update(gx: UnsafePointer<Float>, gh: UnsafePointer<Float>, biasHH: UnsafePointer<Float>,
                       peephole: UnsafePointer<Float>?, h: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>,
                       hidden: Int) {
        var j = 0
        while j + 8 <= hidden {
            let previous = lanes(c, j)
            var inputGate = preactivation(gx, gh, biasHH, gate: 0, hidden: hidden, j)
            var forgetGate = preactivation(gx, gh, biasHH, gate: 1, hidden: hidden, j)
            var outputGate = preactivation(gx, gh, biasHH, gate: 3, hidden: hidden, j)
            if let peephole {
                inputGate += lanes(peephole, j) * previous
                forgetGate += lanes(peephole, hidden + j) * previous
            }
            let i = VectorMath.sigmoid(inputGate), f = VectorMath.sigmoid(forgetGate)
            let g = VectorMath.tanh(preactivation(gx, gh, biasHH, gate: 2, hidden: hidden, j))
            let cell = f * previous + i * g
            if let peephole { outputGate += lanes(peephole, 2 * hidden + j) * cell }
            store(cell, c, j)
            store(VectorMath.sigmoid(outputGate) * VectorMath.tanh(cell), h, j)
            j += 8
        }
        for j in j..<hidden {
            let previous = c[j]
            var inputGate = gx[j] + gh[j] + biasHH[j]
            var forgetGate = gx[hidden + j] + gh[hidden + j] + biasHH[hidden + j]
            var outputGate = gx[3 * hidden + j] + gh[3 * hidden + j] + biasHH[3 * hidden + j]
            if let peephole {
                inputGate += peephole[j] * previous
                forgetGate += peephole[hidden + j] * previous
            }
            let g = tanhf(gx[2 * hidden + j] + gh[2 * hidden + j] + biasHH[2 * hidden + j])
            let cell = sigmoid(forgetGate) * previous + sigmoid(inputGate) * g
            if let peephole { outputGate += peephole[2 * hidden + j] * cell }
            c[j] = cell
            h[j] = sigmoid(outputGate) * tanhf(cell)
        }
    }
}

/// Logistic function in the form PyTorch's CPU kernel evaluates, `1 / (1 + exp(-x))`.
@inline(__always)
func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }
