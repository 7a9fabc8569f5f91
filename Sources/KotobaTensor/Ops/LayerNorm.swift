import Foundation

extension Tensor {
    /// Layer normalisation over the last axis: `(x - mean) / sqrt(var + epsilon) · weight + bias`.
    ///
    /// The variance is the biased one (divided by `n`), as `torch.nn.functional.layer_norm` computes it.
    public func layerNorm(weight: Tensor, bias: Tensor, epsilon: Float) throws(TensorError) -> Tensor {
        var result = self
        try result.formLayerNorm(weight: weight, bias: bias, epsilon: epsilon)
        return result
    }

    /// In-place layer normalisation over the last axis.
    public mutating func formLayerNorm(weight: Tensor, bias: Tensor, epsilon: Float) throws(TensorError) {
        guard rank >= 1 else { throw .shapeMismatch(operation: "layerNorm", expected: [-1], found: shape) }
        let width = shape[rank - 1]
        guard weight.shape == [width], bias.shape == [width] else {
            throw .shapeMismatch(operation: "layerNorm", expected: [width],
                                 found: weight.shape == [width] ? bias.shape : weight.shape)
        }
        guard width > 0 else { return }
        let rows = count / width
        storage.withUnsafeMutableBufferPointer { values in
            weight.storage.withUnsafeBufferPointer { gamma in
                bias.storage.withUnsafeBufferPointer { beta in
                    for r in 0..<rows {
                        let row = values.baseAddress! + r * width
                        // Two passes (mean, then squared deviations) rather than E[x²] - E[x]², which cancels badly.
                        var sum: Float = 0
                        for i in 0..<width { sum += row[i] }
                        let mean = sum / Float(width)
                        var squares: Float = 0
                        for i in 0..<width {
                            let d = row[i] - mean
                            squares += d * d
                        }
                        let inverse = 1 / sqrtf(squares / Float(width) + epsilon)
                        for i in 0..<width { row[i] = (row[i] - mean) * inverse * gamma[i] + beta[i] }
                    }
                }
            }
        }
    }
}
