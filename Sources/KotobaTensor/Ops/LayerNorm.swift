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
                    Self.formLayerNorm(values.baseAddress!, rows: rows, width: width, gamma: gamma.baseAddress!,
                                       beta: beta.baseAddress!, epsilon: epsilon)
                }
            }
        }
    }

    /// Layer norm of `rows` rows of `width` values in place, on a caller's buffer (the form a model that keeps
    /// its activations in preallocated buffers, like Marian's decoder, calls); rows split across threads when
    /// there are enough of them.
    public static func formLayerNorm(_ base: UnsafeMutablePointer<Float>, rows: Int, width: Int,
                                     gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float) {
        guard rows > 0, width > 0 else { return }
        Parallel.forEachRange(rows, minimumPerThread: Swift.max(1, 16_384 / width)) { range in
            for r in range { normalize(base + r * width, width: width, gamma: gamma, beta: beta, epsilon: epsilon) }
        }
    }

    /// One row: two passes (mean, then squared deviations) rather than E[x²] - E[x]², which cancels badly.
    @inline(__always)
    private static func normalize(_ row: UnsafeMutablePointer<Float>, width: Int, gamma: UnsafePointer<Float>,
                                  beta: UnsafePointer<Float>, epsilon: Float) {
        let raw = UnsafeMutableRawPointer(row)
        let vectorEnd = width & ~7
        var lanes = SIMD8<Float>.zero
        var sum: Float = 0
        for i in stride(from: 0, to: vectorEnd, by: 8) { lanes += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) }
        for i in vectorEnd..<width { sum += row[i] }
        let mean = (sum + lanes.sum()) / Float(width)
        lanes = .zero
        var squares: Float = 0
        for i in stride(from: 0, to: vectorEnd, by: 8) {
            let d = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) - mean
            lanes += d * d
        }
        for i in vectorEnd..<width {
            let d = row[i] - mean
            squares += d * d
        }
        let inverse = 1 / (((squares + lanes.sum()) / Float(width)) + epsilon).squareRoot()
        for i in 0..<width { row[i] = (row[i] - mean) * inverse * gamma[i] + beta[i] }
    }
}
