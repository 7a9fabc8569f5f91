import KotobaTensor

/// `nn.Linear`: `y = x · Wᵀ + b` with `W` stored `[out, in]` as PyTorch stores it.
public struct Linear: Sendable {
    /// `[out, in]`.
    public let weight: Tensor
    /// `[out]`, absent for bias-free projections.
    public let bias: Tensor?

    /// A layer over the given parameters.
    public init(weight: Tensor, bias: Tensor?) {
        self.weight = weight
        self.bias = bias
    }

    /// Input width.
    public var inFeatures: Int { weight.shape[1] }
    /// Output width.
    public var outFeatures: Int { weight.shape[0] }

    /// `[..., in]` → `[..., out]`.
    public func callAsFunction(_ x: Tensor) throws(TensorError) -> Tensor {
        try x.linear(weight: weight, bias: bias)
    }
}

extension WeightStore {
    /// The `nn.Linear` at `name` (`name.weight` `[out, in]`, and `name.bias` `[out]` unless `bias` is false).
    public func linear(_ name: String, in inFeatures: Int, out outFeatures: Int, bias: Bool = true) throws(ModelError) -> Linear {
        let scope = scoped(name)
        return Linear(weight: try scope.tensor("weight", shape: [outFeatures, inFeatures]),
                      bias: bias ? try scope.tensor("bias", shape: [outFeatures]) : nil)
    }
}
