import Foundation

/// Gate math of PyTorch's `nn.RNN` for one row: `h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)`.
///
/// Reference: torch/nn/modules/rnn.py (`class RNN`, v2.13.0) and aten/src/ATen/native/RNN.cpp `SimpleCell`.
enum ElmanCell {
    /// `gx` already holds `x W_ihᵀ + b_ih`, `gh` holds `h W_hhᵀ`; writes the new state into `h`.
    @inline(__always)
    static func update(relu: Bool, gx: UnsafePointer<Float>, gh: UnsafePointer<Float>, biasHH: UnsafePointer<Float>,
                       h: UnsafeMutablePointer<Float>, hidden: Int) {
        if relu {
            for j in 0..<hidden { h[j] = max(0, gx[j] + gh[j] + biasHH[j]) }
        } else {
            for j in 0..<hidden { h[j] = tanhf(gx[j] + gh[j] + biasHH[j]) }
        }
    }
}
