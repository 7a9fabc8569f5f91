import Foundation
import KotobaTensor

/// Gate math of PyTorch's `nn.GRU` for one row; gate blocks are ordered r, z, n.
///
/// Reference: torch/nn/modules/rnn.py (`class GRU` docstring, v2.13.0):
/// `r = σ(W_ir x + b_ir + W_hr h + b_hr)`, `z = σ(…)`, `n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))`,
/// `h' = (1 − z) ⊙ n + z ⊙ h`. The reset gate multiplies `W_hn h + b_hn` — bias included — which is PyTorch's
/// (and cuDNN's) variant, not the original Cho et al. 2014 form `W_hn (r ⊙ h)`.
enum GRUCell {
    /// `gx` holds `x W_ihᵀ + b_ih` (3H), `gh` holds `h W_hhᵀ` (3H); updates `h` in place.
    @inline(__always)
    static func update(gx: UnsafePointer<Float>, gh: UnsafePointer<Float>, biasHH: UnsafePointer<Float>,
                       h: UnsafeMutablePointer<Float>, hidden: Int) {
        var j = 0
        while j + 8 <= hidden {
            let r = VectorMath.sigmoid(preactivation(gx, gh, biasHH, gate: 0, hidden: hidden, j))
            let z = VectorMath.sigmoid(preactivation(gx, gh, biasHH, gate: 1, hidden: hidden, j))
            let n = VectorMath.tanh(lanes(gx, 2 * hidden + j)
                                        + r * (lanes(gh, 2 * hidden + j) + lanes(biasHH, 2 * hidden + j)))
            store((1 - z) * n + z * lanes(h, j), h, j)
            j += 8
        }
        for j in j..<hidden {
            let r = sigmoid(gx[j] + gh[j] + biasHH[j])
            let z = sigmoid(gx[hidden + j] + gh[hidden + j] + biasHH[hidden + j])
            let n = tanhf(gx[2 * hidden + j] + r * (gh[2 * hidden + j] + biasHH[2 * hidden + j]))
            h[j] = (1 - z) * n + z * h[j]
        }
    }
}
