// The dense building blocks of a Marian layer, as transformers 5.24.0 models/marian/modeling_marian.py uses them:
// `nn.Linear`, `nn.LayerNorm(d_model)` (eps 1e-5) and `ACT2FN[config.activation_function]`.
// They work in place on caller-owned buffers: the encoder and decoder preallocate every activation once per
// call, so a decoding step allocates nothing.
import Foundation
import KotobaTensor

/// `nn.Linear`: `y = x · Wᵀ + b`, `W` stored `[out, in]` as PyTorch does.
struct MarianLinear: Sendable {
    /// `[out, in]`, row-major.
    let weight: ContiguousArray<Float>
    /// `[out]`.
    let bias: ContiguousArray<Float>
    let inFeatures: Int
    let outFeatures: Int

    /// Stacks projections that read the same input (q, k, v) into one, so they cost one sgemm.
    init(stacking parts: [MarianLinear]) {
        precondition(!parts.isEmpty && parts.allSatisfy { $0.inFeatures == parts[0].inFeatures })
        weight = ContiguousArray(parts.map(\.weight).joined())
        bias = ContiguousArray(parts.map(\.bias).joined())
        inFeatures = parts[0].inFeatures
        outFeatures = parts.reduce(0) { $0 + $1.outFeatures }
    }

    init(weight: ContiguousArray<Float>, bias: ContiguousArray<Float>, inFeatures: Int, outFeatures: Int) {
        precondition(weight.count == inFeatures * outFeatures && bias.count == outFeatures)
        self.weight = weight
        self.bias = bias
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
    }

    /// `y[rows, out] = x[rows, in] · Wᵀ + b`; `x` rows are `ldx` apart.
    func apply(_ x: UnsafePointer<Float>, rows: Int, ldx: Int? = nil, into y: UnsafeMutablePointer<Float>) {
        guard rows > 0 else { return }
        bias.withUnsafeBufferPointer { b in
            for r in 0..<rows {
                (y + r * outFeatures).update(from: b.baseAddress!, count: outFeatures)
            }
        }
        weight.withUnsafeBufferPointer { w in
            multiplyTransposed(x, rows: rows, ldx: ldx ?? inFeatures, by: w.baseAddress!, outFeatures: outFeatures,
                               inFeatures: inFeatures, into: y)
        }
    }
}

/// `y[rows, out] += x[rows, in] · Wᵀ` with `W` `[out, in]`.
///
/// One row (greedy decoding of one sentence) goes through sgemv: OpenBLAS 0.3.21's sgemm packs all of `W` even
/// when `m = 1` (forwarding to gemv came in 0.3.27), which doubles the memory traffic of a step that is
/// bandwidth-bound already.
@inline(__always)
func multiplyTransposed(_ x: UnsafePointer<Float>, rows: Int, ldx: Int, by w: UnsafePointer<Float>, outFeatures: Int,
                        inFeatures: Int, into y: UnsafeMutablePointer<Float>) {
    if rows == 1 {
        BLAS.sgemv(m: outFeatures, n: inFeatures, a: w, x: x, beta: 1, y: y)
    } else {
        BLAS.sgemm(transposeB: true, m: rows, n: outFeatures, k: inFeatures, a: x, lda: ldx, b: w, beta: 1, c: y)
    }
}

/// `nn.LayerNorm(size)` over the last dimension, eps 1e-5 as transformers constructs it.
struct MarianLayerNorm: Sendable {
    /// `[size]`.
    let weight: ContiguousArray<Float>
    /// `[size]`.
    let bias: ContiguousArray<Float>
    let epsilon: Float = 1e-5

    /// Normalises `rows` rows of `weight.count` values in place.
    func apply(_ x: UnsafeMutablePointer<Float>, rows: Int) {
        let size = weight.count
        let inverseSize = 1 / Float(size)
        weight.withUnsafeBufferPointer { g in
            bias.withUnsafeBufferPointer { b in
                for r in 0..<rows {
                    let row = x + r * size
                    var sum: Float = 0
                    for i in 0..<size { sum += row[i] }
                    let mean = sum * inverseSize
                    var squares: Float = 0
                    for i in 0..<size {
                        let d = row[i] - mean
                        squares += d * d
                    }
                    // Biased variance, as torch.layer_norm.
                    let scale = 1 / (squares * inverseSize + epsilon).squareRoot()
                    for i in 0..<size { row[i] = (row[i] - mean) * scale * g[i] + b[i] }
                }
            }
        }
    }
}

extension MarianConfig.Activation {
    /// Applies the activation to `count` values in place.
    func apply(_ x: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .swish, .silu:
            KotobaTensor.Activation.silu.apply(UnsafeMutableBufferPointer(start: x, count: count))
        case .gelu:
            for i in 0..<count { x[i] = 0.5 * x[i] * (1 + erf(x[i] * Float(0.5).squareRoot())) }
        case .geluNew:
            let c = Float(2 / Double.pi).squareRoot()
            for i in 0..<count {
                let v = x[i]
                x[i] = 0.5 * v * (1 + tanh(c * (v + 0.044715 * v * v * v)))
            }
        case .relu:
            for i in 0..<count { x[i] = max(0, x[i]) }
        }
    }
}

/// Adds `y += x` over `count` values: the residual connections.
@inline(__always)
func addInPlace(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
    for i in 0..<count { y[i] += x[i] }
}

/// A zero-filled Float buffer owned by one forward pass or one decoder state, so hot loops take its pointer
/// directly instead of nesting `withUnsafeMutableBufferPointer` closures.
final class MarianBuffer {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    /// `zeroed: false` leaves the memory untouched, so a large cache only costs the pages a search writes.
    init(count: Int, zeroed: Bool = true) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        if zeroed { pointer.initialize(repeating: 0, count: max(count, 1)) }
    }

    deinit { pointer.deallocate() }

    /// The contents as an array (results handed to callers).
    func array(count n: Int? = nil) -> ContiguousArray<Float> {
        ContiguousArray(UnsafeBufferPointer(start: pointer, count: n ?? count))
    }
}
