import KotobaTensor

/// The position-wise feed-forward block: `W₂ · act(W₁ · x + b₁) + b₂`.
public struct FeedForward: Sendable {
    /// `[intermediate, hidden]`.
    public let up: Linear
    /// `[hidden, intermediate]`.
    public let down: Linear
    /// Nonlinearity between the two products.
    public let activation: Activation

    /// A block over the given projections.
    public init(up: Linear, down: Linear, activation: Activation) {
        self.up = up
        self.down = down
        self.activation = activation
    }

    /// `[..., hidden]` → `[..., hidden]`.
    public func callAsFunction(_ x: Tensor) throws(TensorError) -> Tensor {
        var hidden = try up(x)        // [..., intermediate]
        hidden.apply(activation)
        return try down(hidden)       // [..., hidden]
    }
}
