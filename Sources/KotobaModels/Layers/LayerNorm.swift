import KotobaTensor

/// `nn.LayerNorm` over the last axis.
public struct LayerNorm: Sendable {
    /// Scale, `[width]`.
    public let weight: Tensor
    /// Shift, `[width]`.
    public let bias: Tensor
    /// Added to the variance; BERT configs carry it as `layer_norm_eps`.
    public let epsilon: Float

    /// A layer over the given parameters.
    public init(weight: Tensor, bias: Tensor, epsilon: Float) {
        self.weight = weight
        self.bias = bias
        self.epsilon = epsilon
    }

    /// `[..., width]` → `[..., width]`.
    public func callAsFunction(_ x: Tensor) throws(TensorError) -> Tensor {
        try x.layerNorm(weight: weight, bias: bias, epsilon: epsilon)
    }

    /// Normalises `x` in place.
    public func apply(_ x: inout Tensor) throws(TensorError) {
        try x.formLayerNorm(weight: weight, bias: bias, epsilon: epsilon)
    }

    /// Normalises `rows` rows of `weight.count` values in place in a caller's buffer.
    public func apply(_ x: UnsafeMutablePointer<Float>, rows: Int) {
        weight.storage.withUnsafeBufferPointer { gamma in
            bias.storage.withUnsafeBufferPointer { beta in
                Tensor.formLayerNorm(x, rows: rows, width: gamma.count, gamma: gamma.baseAddress!,
                                     beta: beta.baseAddress!, epsilon: epsilon)
            }
        }
    }
}

extension WeightStore {
    /// The `nn.LayerNorm` at `name` (`name.weight` and `name.bias`, `[width]`; legacy `gamma`/`beta` accepted).
    public func layerNorm(_ name: String, width: Int, epsilon: Float) throws(ModelError) -> LayerNorm {
        let scope = scoped(name)
        return LayerNorm(weight: try scope.tensor("weight", shape: [width]),
                         bias: try scope.tensor("bias", shape: [width]), epsilon: epsilon)
    }
}
