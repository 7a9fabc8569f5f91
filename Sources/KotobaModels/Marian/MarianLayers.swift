// What Marian adds to the shared layers (`Linear` and `LayerNorm` in Layers/, in their in-place forms):
// `ACT2FN[config.activation_function]` as transformers 5.24.0 models/marian/modeling_marian.py applies it, the
// residual add, and the buffers the encoder and decoder preallocate once per call, so a decoding step
// allocates nothing.
import Foundation
import KotobaTensor

extension MarianConfig.Activation {
    /// Applies the activation to `count` values in place.
    func apply(_ x: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .swish, .silu:
            KotobaTensor.Activation.silu.apply(UnsafeMutableBufferPointer(start: x, count: count))
        case .gelu:
            for i in 0..<count { x[i] = 0.5 * x[i] * (1 + erf(x[i] * Float(0.5).squareRoot())) }
        case .geluNew:
            let c = Float(2 / Double.pi).squareRoot()
            for i in 0..<count {
                let v = x[i]
                x[i] = 0.5 * v * (1 + tanh(c * (v + 0.044715 * v * v * v)))
            }
        case .relu:
            for i in 0..<count { x[i] = max(0, x[i]) }
        }
    }
}

/// Adds `y += x` over `count` values: the residual connections.
@inline(__always)
func addInPlace(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
    for i in 0..<count { y[i] += x[i] }
}

/// A zero-filled Float buffer owned by one forward pass or one decoder state, so hot loops take its pointer
/// directly instead of nesting `withUnsafeMutableBufferPointer` closures.
final class MarianBuffer {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    /// `zeroed: false` leaves the memory untouched, so a large cache only costs the pages a search writes.
    init(count: Int, zeroed: Bool = true) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        if zeroed { pointer.initialize(repeating: 0, count: max(count, 1)) }
    }

    deinit { pointer.deallocate() }

    /// The contents as an array (results handed to callers).
    func array(count n: Int? = nil) -> ContiguousArray<Float> {
        ContiguousArray(UnsafeBufferPointer(start: pointer, count: n ?? count))
    }
}
