import Foundation

/// A pointwise nonlinearity, named as transformers' `ACT2FN` names it in `hidden_act`.
public enum Activation: String, Sendable, CaseIterable {
    /// Exact GELU, `x · Φ(x)` through `erf` (`gelu`).
    case gelu
    /// The tanh approximation of GELU (`gelu_new`, `gelu_pytorch_tanh`).
    case geluTanh = "gelu_new"
    /// `max(0, x)`.
    case relu
    /// Hyperbolic tangent.
    case tanh
    /// Logistic sigmoid.
    case sigmoid
    /// `x · sigmoid(x)`, also called swish.
    case silu

    /// Resolves a `hidden_act` string; `nil` for a name Kotoba does not implement.
    public init?(configName: String) {
        switch configName {
        case "gelu": self = .gelu
        case "gelu_new", "gelu_pytorch_tanh", "gelu_fast": self = .geluTanh
        case "relu": self = .relu
        case "tanh": self = .tanh
        case "sigmoid": self = .sigmoid
        case "silu", "swish": self = .silu
        default: return nil
        }
    }

    /// The activation of one value.
    @inlinable
    public func callAsFunction(_ x: Float) -> Float {
        switch self {
        case .gelu: 0.5 * x * (1 + erff(x * 0.70710678118654752))
        case .geluTanh: 0.5 * x * (1 + tanhf(0.79788456080286536 * (x + 0.044715 * x * x * x)))
        case .relu: Swift.max(0, x)
        case .tanh: tanhf(x)
        case .sigmoid: 1 / (1 + expf(-x))
        case .silu: x / (1 + expf(-x))
        }
    }

    /// Applies the activation to every element of `values` in place.
    public func apply(_ values: UnsafeMutableBufferPointer<Float>) {
        switch self {
        case .relu:
            // The only activation without a transcendental call, so the only one SIMD pays for.
            var i = 0
            let raw = UnsafeMutableRawPointer(values.baseAddress)
            while i + 8 <= values.count, let raw {
                let lanes = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                raw.storeBytes(of: pointwiseMax(lanes, .zero), toByteOffset: i * 4, as: SIMD8<Float>.self)
                i += 8
            }
            while i < values.count {
                values[i] = Swift.max(0, values[i])
                i += 1
            }
        default:
            for i in values.indices { values[i] = self(values[i]) }
        }
    }
}

extension Tensor {
    /// The tensor with `activation` applied to every element.
    public func applying(_ activation: Activation) -> Tensor {
        var result = self
        result.apply(activation)
        return result
    }

    /// Applies `activation` to every element in place.
    public mutating func apply(_ activation: Activation) {
        storage.withUnsafeMutableBufferPointer { activation.apply($0) }
    }
}
