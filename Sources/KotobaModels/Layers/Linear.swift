import KotobaTensor

/// `nn.Linear`: `y = x · Wᵀ + b` with `W` stored `[out, in]` as PyTorch stores it.
public struct Linear: Sendable {
    /// `[out, in]`.
    public let weight: Tensor
    /// `[out]`, absent for bias-free projections.
    public let bias: Tensor?
    /// `weight` as IEEE halves when every value is exactly one (a checkpoint stored in F16): a few rows (one short
    /// request) stream these instead, half the bytes for the same results.
    let halfWeight: ContiguousArray<UInt16>?

    /// A layer over the given parameters.
    public init(weight: Tensor, bias: Tensor?) {
        self.weight = weight
        self.bias = bias
        halfWeight = weight.rank == 2 ? SkinnyLinear.exactHalves(weight.storage) : nil
    }

    /// Input width.
    public var inFeatures: Int { weight.shape[1] }
    /// Output width.
    public var outFeatures: Int { weight.shape[0] }

    /// `[..., in]` → `[..., out]`.
    public func callAsFunction(_ x: Tensor) throws(TensorError) -> Tensor {
        let rows = x.count / max(inFeatures, 1)
        guard let halfWeight, x.rank >= 1, x.shape[x.rank - 1] == inFeatures,
              SkinnyLinear.suits(rows: rows, inFeatures: inFeatures) else {
            return try x.linear(weight: weight, bias: bias)
        }
        var result = ContiguousArray<Float>(repeating: 0, count: rows * outFeatures)
        x.storage.withUnsafeBufferPointer { input in
            halfWeight.withUnsafeBufferPointer { halves in
                result.withUnsafeMutableBufferPointer { output in
                    withBias { bias in
                        SkinnyLinear.run(input, rows: rows, inFeatures: inFeatures, halves: halves,
                                         outFeatures: outFeatures, bias: bias, output)
                    }
                }
            }
        }
        return try Tensor(shape: Array(x.shape.dropLast()) + [outFeatures], storage: result)
    }

    /// Calls `body` with the bias's first element, or nil for a bias-free layer.
    private func withBias<Result>(_ body: (UnsafePointer<Float>?) -> Result) -> Result {
        guard let bias else { return body(nil) }
        return bias.storage.withUnsafeBufferPointer { body($0.baseAddress) }
    }

    /// Projections that read the same input (q, k, v) stacked into one, so they cost one product; every part
    /// needs the same input width and a bias.
    public init(stacking parts: [Linear]) {
        precondition(!parts.isEmpty && parts.allSatisfy { $0.inFeatures == parts[0].inFeatures && $0.bias != nil })
        let outFeatures = parts.reduce(0) { $0 + $1.outFeatures }
        weight = Tensor(uncheckedShape: [outFeatures, parts[0].inFeatures], storage: ContiguousArray(parts.map(\.weight.storage).joined()))
        bias = Tensor(uncheckedShape: [outFeatures], storage: ContiguousArray(parts.compactMap(\.bias?.storage).joined()))
        let halves = parts.compactMap(\.halfWeight)
        halfWeight = halves.count == parts.count ? ContiguousArray(halves.joined()) : nil
    }

    /// `y[rows, out] = x[rows, in] · Wᵀ + b` on caller buffers, `x` rows `ldx` apart: the in-place form for a
    /// model that preallocates its activations so a decoding step allocates nothing.
    public func apply(_ x: UnsafePointer<Float>, rows: Int, ldx: Int? = nil, into y: UnsafeMutablePointer<Float>) {
        guard rows > 0 else { return }
        let (inFeatures, outFeatures) = (self.inFeatures, self.outFeatures)
        if ldx == nil || ldx == inFeatures, SkinnyLinear.suits(rows: rows, inFeatures: inFeatures) {
            // A few rows (decoding steps of a few beams): the kernel that reads the weights in place.
            let input = UnsafeBufferPointer(start: x, count: rows * inFeatures)
            let output = UnsafeMutableBufferPointer(start: y, count: rows * outFeatures)
            withBias { bias in
                if let halfWeight {
                    halfWeight.withUnsafeBufferPointer { halves in
                        SkinnyLinear.run(input, rows: rows, inFeatures: inFeatures, halves: halves,
                                         outFeatures: outFeatures, bias: bias, output)
                    }
                } else {
                    weight.storage.withUnsafeBufferPointer { w in
                        SkinnyLinear.run(input, rows: rows, inFeatures: inFeatures, w, outFeatures: outFeatures,
                                         bias: bias, output)
                    }
                }
            }
            return
        }
        if let bias {
            bias.storage.withUnsafeBufferPointer { b in
                for r in 0..<rows { (y + r * outFeatures).update(from: b.baseAddress!, count: outFeatures) }
            }
        } else {
            y.update(repeating: 0, count: rows * outFeatures)
        }
        weight.storage.withUnsafeBufferPointer { w in
            // One row (greedy decoding of one sentence) goes through sgemv: OpenBLAS 0.3.21's sgemm packs all of
            // W even when m = 1 (forwarding to gemv came in 0.3.27), doubling a bandwidth-bound step's traffic.
            if rows == 1 {
                BLAS.sgemv(m: outFeatures, n: inFeatures, a: w.baseAddress!, x: x, beta: 1, y: y)
            } else {
                BLAS.sgemm(transposeB: true, m: rows, n: outFeatures, k: inFeatures, a: x, lda: ldx ?? inFeatures,
                           b: w.baseAddress!, beta: 1, c: y)
            }
        }
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
