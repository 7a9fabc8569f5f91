import Foundation
import KotobaTensor

/// Gate math of PyTorch's `nn.RNN` for one row: `h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)`.
///
/// Reference: torch/nn/modules/rnn.py (`class RNN`, v2.13.0) and aten/src/ATen/native/RNN.cpp `SimpleCell`.
enum ElmanCell {
    /// `gx` already holds `x W_ihᵀ + b_ih`, `gh` holds `h W_hhᵀ`; writes the new state into `h`.
    @inline(__always)
    static func update(relu: Bool, gx: UnsafePointer<Float>, gh: UnsafePointer<Float>, biasHH: UnsafePointer<Float>,
                       h: UnsafeMutablePointer<Float>, hidden: Int) {
        var j = 0
        while j + 8 <= hidden {
            let x = preactivation(gx, gh, biasHH, gate: 0, hidden: hidden, j)
            store(relu ? pointwiseMax(x, .zero) : VectorMath.tanh(x), h, j)
            j += 8
        }
        for j in j..<hidden {
            let x = gx[j] + gh[j] + biasHH[j]
            h[j] = relu ? max(0, x) : tanhf(x)
        }
    }
}
