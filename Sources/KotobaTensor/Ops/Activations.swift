import CKernels
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

    /// The activation of eight values at once: the form `apply` uses, with the error bounds of `VectorMath`.
    @inlinable @inline(__always)
    public func callAsFunction(_ x: VectorMath.Lanes) -> VectorMath.Lanes {
        switch self {
        case .gelu: Self.gelu(x)
        case .geluTanh: Self.geluTanh(x)
        case .relu: Self.relu(x)
        case .tanh: VectorMath.tanh(x)
        case .sigmoid: Self.sigmoid(x)
        case .silu: x * Self.sigmoid(x)
        }
    }

    @inlinable @inline(__always)
    static func gelu(_ x: VectorMath.Lanes) -> VectorMath.Lanes {
        0.5 * x * (1 + VectorMath.erf(x * 0.70710678118654752))
    }

    @inlinable @inline(__always)
    static func geluTanh(_ x: VectorMath.Lanes) -> VectorMath.Lanes {
        0.5 * x * (1 + VectorMath.tanh(0.79788456080286536 * (x + 0.044715 * x * x * x)))
    }

    @inlinable @inline(__always)
    static func relu(_ x: VectorMath.Lanes) -> VectorMath.Lanes {
        x.replacing(with: 0, where: x .< 0)
    }

    @inlinable @inline(__always)
    static func sigmoid(_ x: VectorMath.Lanes) -> VectorMath.Lanes {
        1 / (1 + VectorMath.exp(VectorMath.Lanes.zero - x))
    }

    /// Applies the activation to every element of `values` in place, eight lanes at a time, split across the
    /// BLAS threads when the buffer is large (a feed-forward block's intermediate is).
    public func apply(_ values: UnsafeMutableBufferPointer<Float>) {
        let base = values.baseAddress
        Parallel.forEachRange(values.count) { range in
            guard let base else { return }
            let part = UnsafeMutableBufferPointer(start: base + range.lowerBound, count: range.count)
            switch self {
            // The C kernels have the lane code's arithmetic, compiled also for AVX2 / AVX-512 (CKernels.h).
            case .gelu: kotoba_gelu_erf(part.baseAddress, part.count)
            case .geluTanh: VectorMath.map(part, Self.geluTanh)
            case .relu: VectorMath.map(part, Self.relu)
            case .tanh: VectorMath.map(part, VectorMath.tanh)
            case .sigmoid: VectorMath.map(part, Self.sigmoid)
            case .silu: kotoba_silu(part.baseAddress, part.count)
            }
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
