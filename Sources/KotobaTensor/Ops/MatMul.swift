extension Tensor {
    /// `self · other` (or `self · otherᵀ` when `transposeOther`), contracting the last axis of `self`.
    ///
    /// `self` is `[..., k]` and its leading axes flatten into rows; `other` is `[k, n]` (or `[n, k]`).
    /// The result is `[..., n]`.
    public func matmul(_ other: Tensor, transposeOther: Bool = false) throws(TensorError) -> Tensor {
        guard rank >= 1, other.rank == 2 else {
            throw .shapeMismatch(operation: "matmul", expected: [-1, -1], found: other.shape)
        }
        let k = shape[rank - 1]
        let (otherK, n) = transposeOther ? (other.shape[1], other.shape[0]) : (other.shape[0], other.shape[1])
        guard otherK == k else {
            throw .shapeMismatch(operation: "matmul", expected: transposeOther ? [n, k] : [k, n], found: other.shape)
        }
        let m = shape.dropLast().reduce(1, *)
        if transposeOther, SkinnyLinear.suits(rows: m, inFeatures: k) {
            return try linear(weight: other, bias: nil)
        }
        var result = Tensor.outputStorage(count: m * n, overwritten: k > 0)
        storage.withUnsafeBufferPointer { a in
            other.storage.withUnsafeBufferPointer { b in
                result.withUnsafeMutableBufferPointer { c in
                    guard let a = a.baseAddress, let b = b.baseAddress, let c = c.baseAddress else { return }
                    BLAS.sgemm(transposeB: transposeOther, m: m, n: n, k: k, a: a, b: b, c: c)
                }
            }
        }
        return Tensor(uncheckedShape: Array(shape.dropLast()) + [n], storage: result)
    }

    /// `self · weightᵀ + bias`, the PyTorch `nn.Linear` product with `weight` in `[out, in]` layout.
    ///
    /// `self` is `[..., in]`, the result `[..., out]`. The bias is written into the output first and the product
    /// accumulated onto it (`beta = 1`), which saves a second pass over the result.
    public func linear(weight: Tensor, bias: Tensor?) throws(TensorError) -> Tensor {
        guard rank >= 1, weight.rank == 2, weight.shape[1] == shape[rank - 1] else {
            throw .shapeMismatch(operation: "linear", expected: [-1, rank >= 1 ? shape[rank - 1] : -1],
                                 found: weight.shape)
        }
        let (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1])
        if let bias, bias.shape != [outFeatures] {
            throw .shapeMismatch(operation: "linear bias", expected: [outFeatures], found: bias.shape)
        }
        let m = shape.dropLast().reduce(1, *)
        if SkinnyLinear.suits(rows: m, inFeatures: inFeatures) {
            var result = Tensor.outputStorage(count: m * outFeatures, overwritten: true)
            storage.withUnsafeBufferPointer { x in
                weight.storage.withUnsafeBufferPointer { w in
                    result.withUnsafeMutableBufferPointer { y in
                        if let bias {
                            bias.storage.withUnsafeBufferPointer { b in
                                SkinnyLinear.run(x, rows: m, inFeatures: inFeatures, w, outFeatures: outFeatures,
                                                 bias: b.baseAddress, y)
                            }
                        } else {
                            SkinnyLinear.run(x, rows: m, inFeatures: inFeatures, w, outFeatures: outFeatures, bias: nil, y)
                        }
                    }
                }
            }
            return Tensor(uncheckedShape: Array(shape.dropLast()) + [outFeatures], storage: result)
        }
        var result = Tensor.outputStorage(count: m * outFeatures, overwritten: inFeatures > 0 || bias != nil)
        if let bias {
            result.withUnsafeMutableBufferPointer { c in
                bias.storage.withUnsafeBufferPointer { b in
                    for row in 0..<m {
                        (c.baseAddress! + row * outFeatures).update(from: b.baseAddress!, count: outFeatures)
                    }
                }
            }
        }
        storage.withUnsafeBufferPointer { x in
            weight.storage.withUnsafeBufferPointer { w in
                result.withUnsafeMutableBufferPointer { c in
                    guard let x = x.baseAddress, let w = w.baseAddress, let c = c.baseAddress else { return }
                    BLAS.sgemm(transposeB: true, m: m, n: outFeatures, k: inFeatures,
                               a: x, b: w, beta: bias == nil ? 0 : 1, c: c)
                }
            }
        }
        return Tensor(uncheckedShape: Array(shape.dropLast()) + [outFeatures], storage: result)
    }
}
