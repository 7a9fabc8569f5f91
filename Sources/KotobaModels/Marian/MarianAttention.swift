// Multi-head scaled dot-product attention, Vaswani et al. 2017 §3.2.
// Reference: transformers 5.24.0, models/marian/modeling_marian.py, `MarianAttention` and `eager_attention_forward`
// (softmax(q·kᵀ · head_dim^-0.5 + mask) · v, heads concatenated, then `out_proj`).
// Masked keys get -inf before the softmax, so they weigh exactly 0, as the additive `finfo.min` mask does.
import KotobaTensor

/// The projections of one attention block: self-attention stacks q, k, v; cross-attention keeps q apart from the
/// stacked k, v, which are computed once per source.
struct MarianAttention: Sendable {
    /// Self-attention: `[3d, d]` (q, k, v stacked). Cross-attention: `[d, d]` (q only).
    let query: Linear
    /// Cross-attention only: `[2d, d]` (k, v stacked), applied to the encoder output.
    let keyValue: Linear?
    /// `out_proj`, `[d, d]`.
    let output: Linear
    let heads: Int
    let headSize: Int

    var scaling: Float { 1 / Float(headSize).squareRoot() }

    /// `inPanels` packs the projections that run on each decoding step's rows (q, or q, k, v, and `out_proj`) for
    /// the panel kernel; a cross-attention's k, v run once per source, over all its tokens, and stay as they are.
    init(_ weights: WeightStore, hidden: Int, heads: Int, cross: Bool, inPanels: Bool = false) throws(ModelError) {
        // Read at full precision and quantized once stacked (per-channel scales: the same codes, one pass).
        let q = try weights.linear("q_proj", in: hidden, out: hidden, quantize: false)
        let k = try weights.linear("k_proj", in: hidden, out: hidden, quantize: false)
        let v = try weights.linear("v_proj", in: hidden, out: hidden, quantize: false)
        let query = (cross ? q : Linear(stacking: [q, k, v])).quantized(weights.quantization)
        let output = try weights.linear("out_proj", in: hidden, out: hidden)
        self.query = inPanels ? query.packedInPanels() : query
        self.output = inPanels ? output.packedInPanels() : output
        keyValue = cross ? Linear(stacking: [k, v]).quantized(weights.quantization) : nil
        self.heads = heads
        self.headSize = hidden / heads
    }
}

/// One sequence's attention over all its keys at once (encoder layers, teacher-forced decoder).
///
/// `q` holds `queries` rows `ldq` apart, `k`/`v` hold `keys` rows `ldkv` apart, head `h` at column `h·headSize`.
/// `keyMask` (`[keys]`, 0 or -inf) masks source padding; `causal` hides key `j > i` from query `i`.
/// Writes `[queries, heads·headSize]` into `out` (rows `heads·headSize` apart); `scores` needs `queries·keys`.
/// With `headMean`, also adds each head's attention weights divided by `heads` to it (`[queries, keys]`, which the
/// caller zeroes first): the weights averaged over heads, the alignment a decoder step reports.
func attendAll(
    q: UnsafePointer<Float>, ldq: Int, k: UnsafePointer<Float>, v: UnsafePointer<Float>, ldkv: Int,
    queries: Int, keys: Int, heads: Int, headSize: Int, scaling: Float,
    keyMask: UnsafePointer<Float>?, causal: Bool,
    scores: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>,
    headMean: UnsafeMutablePointer<Float>? = nil
) {
    let width = heads * headSize
    for h in 0..<heads {
        let offset = h * headSize
        // scores[queries, keys] = q_h · k_hᵀ · scaling
        BLAS.sgemm(transposeB: true, m: queries, n: keys, k: headSize, alpha: scaling,
                   a: q + offset, lda: ldq, b: k + offset, ldb: ldkv, c: scores)
        for i in 0..<queries {
            let row = scores + i * keys
            let visible = causal ? min(keys, i + 1) : keys
            if let keyMask {
                for j in 0..<visible { row[j] += keyMask[j] }
            }
            VectorMath.formSoftmax(UnsafeMutableBufferPointer(start: row, count: visible))
            for j in visible..<keys { row[j] = 0 }
        }
        if let headMean {
            let share = 1 / Float(heads)
            for i in 0..<(queries * keys) { headMean[i] += share * scores[i] }
        }
        // out_h[queries, headSize] = scores · v_h
        BLAS.sgemm(m: queries, n: headSize, k: keys, a: scores, b: v + offset, ldb: ldkv,
                   c: out + offset, ldc: width)
    }
}

/// `Σ a[i]·b[i]` with eight independent lanes, so the reduction vectorises without fast-math.
@inline(__always)
func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
    var acc = SIMD8<Float>()
    var i = 0
    let rawA = UnsafeRawPointer(a), rawB = UnsafeRawPointer(b)
    while i + 8 <= count {
        let x = rawA.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        let y = rawB.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        // A multiply then an add, not `addingProduct`: the Swift code is built for baseline x86-64, where a fused
        // multiply-add has no instruction and became a libm `fmaf` call per lane (2% of a beam-search profile).
        acc += x * y
        i += 8
    }
    var sum = acc.sum()
    while i < count {
        sum += a[i] * b[i]
        i += 1
    }
    return sum
}

/// `y[i] += alpha·x[i]`.
@inline(__always)
func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { y[i] += alpha * x[i] }
}
