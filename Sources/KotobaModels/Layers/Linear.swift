import CKernels
import KotobaTensor

/// `nn.Linear`: `y = x · Wᵀ + b` with `W` stored `[out, in]` as PyTorch stores it.
///
/// A layer loaded from F16 weights keeps them as halves only: the few-row kernel reads halves directly, and a
/// product over more rows converts them (exactly) into a scratch copy for `sgemm`. That keeps resident memory at
/// the checkpoint's size instead of twice it, for a conversion that costs about 1% of a large product.
public struct Linear: Sendable {
    /// `[out]`, absent for bias-free projections.
    public let bias: Tensor?
    public let outFeatures: Int
    public let inFeatures: Int
    /// `W` as floats, nil for a layer that keeps only `halfWeight`.
    private let floatWeight: ContiguousArray<Float>?
    /// `W` as IEEE half bit patterns when every value is exactly one (a checkpoint stored in F16): a few rows (one
    /// short request) stream these, half the bytes for the same results.
    let halfWeight: HalfWeights?
    /// `W` quantized to int8 per output channel (a model loaded with `Quantization.int8`); when set, the layer
    /// keeps neither float nor half weights and every product is an int8 one.
    let int8Weight: Int8Weights?
    /// `W` packed in panels for the register-blocked kernel (a layer made by `packedInPanels()`); when set, the
    /// layer keeps no other copy and every product runs on the panels.
    let panelWeight: PanelWeights?

    /// A layer over float parameters (kept as given, shared with whoever else holds them, such as a tied
    /// embedding), or with `.int8` over their int8 codes only.
    public init(weight: Tensor, bias: Tensor?, quantization: Quantization = .none) {
        precondition(weight.rank == 2, "a linear weight is [out, in]")
        self.bias = bias
        (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1])
        switch quantization {
        case .none:
            floatWeight = weight.storage
            halfWeight = SkinnyLinear.exactHalves(weight.storage).map(HalfWeights.init)
            int8Weight = nil
        case .int8:
            floatWeight = nil
            halfWeight = nil
            int8Weight = weight.storage.withUnsafeBufferPointer { [outFeatures, inFeatures] in
                Int8Weights(weight: $0, outFeatures: outFeatures, inFeatures: inFeatures)
            }
        }
        panelWeight = nil
    }

    /// A layer over F16 weights, `halves` `[out, in]` as bit patterns, with no float copy.
    public init(halves: HalfWeights, outFeatures: Int, inFeatures: Int, bias: Tensor?) {
        precondition(halves.count == outFeatures * inFeatures, "\(halves.count) halves for [\(outFeatures), \(inFeatures)]")
        self.bias = bias
        (self.outFeatures, self.inFeatures) = (outFeatures, inFeatures)
        floatWeight = nil
        halfWeight = halves
        int8Weight = nil
        panelWeight = nil
    }

    /// A layer over weights packed in panels only.
    private init(panels: PanelWeights, bias: Tensor?) {
        self.bias = bias
        (outFeatures, inFeatures) = (panels.outFeatures, panels.inFeatures)
        (floatWeight, halfWeight, int8Weight) = (nil, nil, nil)
        panelWeight = panels
    }

    /// This layer with its weights packed in panels for the register-blocked kernel (`PanelWeights`), as halves
    /// when it holds halves, and no other copy of them: for the projections of a decoder, which run on a few
    /// rows per step, step after step, and of an encoder, whose short inputs are a few rows too (and whose large
    /// batches measured level with `sgemm`). An int8 layer, or one already packed, is returned as it is.
    public func packedInPanels() -> Linear {
        guard int8Weight == nil, panelWeight == nil else { return self }
        if let halfWeight {
            let panels = halfWeight.withUnsafeBufferPointer {
                PanelWeights(halves: $0, outFeatures: outFeatures, inFeatures: inFeatures)
            }
            // Packing read every page of the checkpoint's halves; the panels are the copy from now on.
            halfWeight.releaseMappedPages()
            return Linear(panels: panels, bias: bias)
        }
        guard let floatWeight else { return self }
        let panels = floatWeight.withUnsafeBufferPointer {
            PanelWeights(floats: $0, outFeatures: outFeatures, inFeatures: inFeatures)
        }
        return Linear(panels: panels, bias: bias)
    }

    /// Whether the weights are packed in panels.
    public var isPackedInPanels: Bool { panelWeight != nil }

    /// This layer with its weights held as `quantization` says: itself for `.none`, an int8-only copy for
    /// `.int8` (quantized from the float or half values, which the copy no longer holds).
    public func quantized(_ quantization: Quantization) -> Linear {
        guard quantization == .int8, int8Weight == nil else { return self }
        return Linear(weight: weight, bias: bias, quantization: .int8)
    }

    /// How the weights are held.
    public var quantization: Quantization { int8Weight == nil ? .none : .int8 }

    /// `[out, in]` as floats (converted from the halves for a layer that keeps only those).
    public var weight: Tensor {
        Tensor(uncheckedShape: [outFeatures, inFeatures],
               storage: floatWeight ?? halfWeight?.floats ?? int8Weight?.dequantized ?? panelWeight?.floats ?? [])
    }

    /// `[..., in]` → `[..., out]`.
    public func callAsFunction(_ x: Tensor) throws(TensorError) -> Tensor {
        guard x.rank >= 1, x.shape[x.rank - 1] == inFeatures else {
            throw .shapeMismatch(operation: "linear", expected: [-1, inFeatures], found: x.shape)
        }
        // Compared element by element: an array literal here would allocate on every call.
        if let bias, bias.shape.count != 1 || bias.shape[0] != outFeatures {
            throw .shapeMismatch(operation: "linear bias", expected: [outFeatures], found: bias.shape)
        }
        let rows = x.count / max(inFeatures, 1)
        var result = ContiguousArray<Float>(unsafeUninitializedCapacity: rows * outFeatures) { _, count in
            count = rows * outFeatures
        }
        x.storage.withUnsafeBufferPointer { input in
            result.withUnsafeMutableBufferPointer { output in
                guard let x = input.baseAddress, let y = output.baseAddress else { return }
                apply(x, rows: rows, into: y)
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
    /// needs the same input width and a bias. Halves-only parts stack into a halves-only layer; int8 parts into an
    /// int8 layer (per-channel scales make that the same as quantizing the stack, which is the cheaper order).
    public init(stacking parts: [Linear]) {
        precondition(!parts.isEmpty && parts.allSatisfy { $0.inFeatures == parts[0].inFeatures && $0.bias != nil })
        if parts.contains(where: { $0.int8Weight != nil }) {
            let rows = parts.reduce(0) { $0 + $1.outFeatures }
            self = Linear(weight: Tensor(uncheckedShape: [rows, parts[0].inFeatures],
                                         storage: ContiguousArray(parts.map(\.weight.storage).joined())),
                          bias: Tensor(uncheckedShape: [rows], storage: ContiguousArray(parts.compactMap(\.bias?.storage).joined())),
                          quantization: .int8)
            return
        }
        panelWeight = nil
        outFeatures = parts.reduce(0) { $0 + $1.outFeatures }
        inFeatures = parts[0].inFeatures
        bias = Tensor(uncheckedShape: [outFeatures], storage: ContiguousArray(parts.compactMap(\.bias?.storage).joined()))
        let halves = parts.compactMap(\.halfWeight)
        halfWeight = halves.count == parts.count ? HalfWeights(ContiguousArray(halves.map(\.array).joined())) : nil
        // The stack holds its own copy; the parts' checkpoint pages come back from the file if anything reads them.
        if halfWeight != nil { halves.forEach { $0.releaseMappedPages() } }
        floatWeight = halfWeight != nil && parts.allSatisfy { $0.floatWeight == nil }
            ? nil : ContiguousArray(parts.map(\.weight.storage).joined())
        int8Weight = nil
    }

    /// `y[rows, out] = x[rows, in] · Wᵀ + b` on caller buffers, `x` rows `ldx` apart: the in-place form for a
    /// model that preallocates its activations so a decoding step allocates nothing.
    public func apply(_ x: UnsafePointer<Float>, rows: Int, ldx: Int? = nil, into y: UnsafeMutablePointer<Float>) {
        guard rows > 0 else { return }
        let (inFeatures, outFeatures) = (self.inFeatures, self.outFeatures)
        if let int8Weight {
            withBias { bias in int8Weight.apply(x, rows: rows, ldx: ldx ?? inFeatures, bias: bias, into: y) }
            return
        }
        if let panelWeight {
            withBias { bias in panelWeight.apply(x, rows: rows, ldx: ldx ?? inFeatures, bias: bias, into: y) }
            return
        }
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
                } else if let floatWeight {
                    floatWeight.withUnsafeBufferPointer { w in
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
        // One row (greedy decoding of one sentence) goes through sgemv: OpenBLAS 0.3.21's sgemm packs all of W even
        // when m = 1 (forwarding to gemv came in 0.3.27), doubling a bandwidth-bound step's traffic.
        func product(_ w: UnsafePointer<Float>, outputs: Range<Int>) {
            let n = outputs.count
            if rows == 1 {
                BLAS.sgemv(m: n, n: inFeatures, a: w, x: x, beta: 1, y: y + outputs.lowerBound)
            } else {
                BLAS.sgemm(transposeB: true, m: rows, n: n, k: inFeatures, a: x, lda: ldx ?? inFeatures,
                           b: w, beta: 1, c: y + outputs.lowerBound, ldc: outFeatures)
            }
        }
        if let floatWeight {
            floatWeight.withUnsafeBufferPointer { product($0.baseAddress!, outputs: 0..<outFeatures) }
            return
        }
        guard let halfWeight else { return }
        // Halves convert (exactly) into a scratch block for sgemm, a block of output rows at a time so the
        // scratch stays a few MB (reused by malloc) even for a vocabulary projection.
        let blockRows = max(1, min(outFeatures, Self.conversionBlock / max(inFeatures, 1)))
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: blockRows * inFeatures)
        defer { scratch.deallocate() }
        halfWeight.withUnsafeBufferPointer { halves in
            for first in stride(from: 0, to: outFeatures, by: blockRows) {
                let outputs = first..<min(first + blockRows, outFeatures)
                kotoba_halves_to_floats(halves.baseAddress! + first * inFeatures, scratch, outputs.count * inFeatures)
                product(scratch, outputs: outputs)
            }
        }
    }

    /// Most weights converted at once for a product over halves: 4 MB of floats.
    static let conversionBlock = 1 << 20
}

extension WeightStore {
    /// The `nn.Linear` at `name` (`name.weight` `[out, in]`, and `name.bias` `[out]` unless `bias` is false),
    /// quantized as the store's `quantization` says unless `quantize` is false (heads that run on a few rows and
    /// set the output scores keep full precision; projections to be stacked are quantized after stacking).
    public func linear(_ name: String, in inFeatures: Int, out outFeatures: Int, bias: Bool = true,
                       quantize: Bool = true) throws(ModelError) -> Linear {
        let quantization = quantize ? self.quantization : .none
        let scope = scoped(name)
        // The weight first, so a shape error names it rather than the bias.
        let halves = try scope.halves("weight", shape: [outFeatures, inFeatures])
        let floats = halves == nil ? try scope.tensor("weight", shape: [outFeatures, inFeatures]) : nil
        let biasTensor = bias ? try scope.tensor("bias", shape: [outFeatures]) : nil
        if let halves {
            return Linear(halves: halves, outFeatures: outFeatures, inFeatures: inFeatures, bias: biasTensor)
                .quantized(quantization)
        }
        return Linear(weight: floats!, bias: biasTensor, quantization: quantization)
    }
}
