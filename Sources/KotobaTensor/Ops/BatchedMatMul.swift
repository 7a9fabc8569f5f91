extension Tensor {
    /// `a[i] · b[i]` (or `a[i] · b[i]ᵀ`) for every `i` of the leading batch axis: `[B, m, k] × [B, k, n] → [B, m, n]`.
    public static func batchedMatmul(_ a: Tensor, _ b: Tensor, transposeB: Bool = false) throws(TensorError) -> Tensor {
        guard a.rank == 3, b.rank == 3, a.shape[0] == b.shape[0] else {
            throw .shapeMismatch(operation: "batchedMatmul", expected: a.shape, found: b.shape)
        }
        let (batch, m, k) = (a.shape[0], a.shape[1], a.shape[2])
        let (bk, n) = transposeB ? (b.shape[2], b.shape[1]) : (b.shape[1], b.shape[2])
        guard bk == k else {
            throw .shapeMismatch(operation: "batchedMatmul", expected: transposeB ? [batch, n, k] : [batch, k, n],
                                 found: b.shape)
        }
        var result = Tensor.outputStorage(count: batch * m * n, overwritten: k > 0)
        a.storage.withUnsafeBufferPointer { ap in
            b.storage.withUnsafeBufferPointer { bp in
                result.withUnsafeMutableBufferPointer { cp in
                    guard let ap = ap.baseAddress, let bp = bp.baseAddress, let cp = cp.baseAddress else { return }
                    for i in 0..<batch {
                        BLAS.sgemm(transposeB: transposeB, m: m, n: n, k: k,
                                   a: ap + i * m * k, b: bp + i * k * n, c: cp + i * m * n)
                    }
                }
            }
        }
        return Tensor(uncheckedShape: [batch, m, n], storage: result)
    }

    /// Scaled dot products per attention head, read in place from the projection layout.
    ///
    /// `query` is `[B, Sq, H·D]` and `key` `[B, Sk, H·D]`, the layout `nn.Linear` produces; head `h` is the column
    /// block `h·D..<(h+1)·D`, reached with a leading dimension of `H·D`, so no head is ever copied out.
    /// Returns `scale · Q_h · K_hᵀ` as `[B, H, Sq, Sk]`.
    public static func headScores(query: Tensor, key: Tensor, heads: Int, scale: Float) throws(TensorError) -> Tensor {
        guard query.rank == 3, key.rank == 3, heads > 0, query.shape[0] == key.shape[0],
              query.shape[2] == key.shape[2], query.shape[2] % heads == 0 else {
            throw .shapeMismatch(operation: "headScores", expected: query.shape, found: key.shape)
        }
        let (batch, sq, width) = (query.shape[0], query.shape[1], query.shape[2])
        return query.storage.withUnsafeBufferPointer { qp in
            key.storage.withUnsafeBufferPointer { kp in
                headScores(HeadLayout(batch: batch, heads: heads, headDim: width / heads), scale: scale,
                           query: qp.baseAddress, rows: sq, queryStride: width,
                           key: kp.baseAddress, keys: key.shape[1], keyStride: width)
            }
        }
    }

    /// `headScores` for self-attention over a stacked projection `[B, S, 3·H·D]`: queries, keys and values side
    /// by side, as one layer of q | k | v stacked produces them, read in place with a leading dimension of 3·H·D.
    public static func headScores(stacked qkv: Tensor, heads: Int, scale: Float) throws(TensorError) -> Tensor {
        guard qkv.rank == 3, heads > 0, qkv.shape[2] % (3 * heads) == 0 else {
            throw .shapeMismatch(operation: "headScores", expected: [-1, -1, 3 * heads], found: qkv.shape)
        }
        let (batch, length, stride) = (qkv.shape[0], qkv.shape[1], qkv.shape[2])
        let width = stride / 3
        return qkv.storage.withUnsafeBufferPointer { p in
            headScores(HeadLayout(batch: batch, heads: heads, headDim: width / heads), scale: scale,
                       query: p.baseAddress, rows: length, queryStride: stride,
                       key: p.baseAddress.map { $0 + width }, keys: length, keyStride: stride)
        }
    }

    /// Attention-weighted values per head, written straight into the merged-heads layout.
    ///
    /// `probabilities` is `[B, H, Sq, Sk]`, `value` `[B, Sk, H·D]`; the result is `[B, Sq, H·D]` with head `h` in
    /// columns `h·D..<(h+1)·D`, which is what the output projection reads, so heads are never transposed back.
    public static func headContext(probabilities: Tensor, value: Tensor) throws(TensorError) -> Tensor {
        guard probabilities.rank == 4, value.rank == 3, probabilities.shape[0] == value.shape[0],
              probabilities.shape[3] == value.shape[1], probabilities.shape[1] > 0,
              value.shape[2] % probabilities.shape[1] == 0 else {
            throw .shapeMismatch(operation: "headContext", expected: probabilities.shape, found: value.shape)
        }
        let width = value.shape[2]
        return value.storage.withUnsafeBufferPointer { vp in
            headContext(probabilities: probabilities, value: vp.baseAddress, valueStride: width, width: width)
        }
    }

    /// `headContext` with the values read from a stacked projection `[B, S, 3·H·D]` (the last third of each row).
    public static func headContext(probabilities: Tensor, stacked qkv: Tensor) throws(TensorError) -> Tensor {
        guard probabilities.rank == 4, qkv.rank == 3, probabilities.shape[0] == qkv.shape[0],
              probabilities.shape[3] == qkv.shape[1], probabilities.shape[1] > 0,
              qkv.shape[2] % (3 * probabilities.shape[1]) == 0 else {
            throw .shapeMismatch(operation: "headContext", expected: probabilities.shape, found: qkv.shape)
        }
        let (stride, width) = (qkv.shape[2], qkv.shape[2] / 3)
        return qkv.storage.withUnsafeBufferPointer { p in
            headContext(probabilities: probabilities, value: p.baseAddress.map { $0 + 2 * width }, valueStride: stride,
                        width: width)
        }
    }

    /// Batch, heads and head width of an attention product.
    private struct HeadLayout {
        var batch: Int
        var heads: Int
        var headDim: Int
    }

    /// `scale · Q_h · K_hᵀ` per sequence and head, `[B, H, rows, keys]`, with query and key rows `queryStride` and
    /// `keyStride` floats apart (a sequence's rows follow one another).
    private static func headScores(_ layout: HeadLayout, scale: Float, query: UnsafePointer<Float>?, rows sq: Int,
                                   queryStride: Int, key: UnsafePointer<Float>?, keys sk: Int,
                                   keyStride: Int) -> Tensor {
        let (batch, heads, headDim) = (layout.batch, layout.heads, layout.headDim)
        var result = Tensor.outputStorage(count: batch * heads * sq * sk, overwritten: headDim > 0)
        result.withUnsafeMutableBufferPointer { sp in
            guard let qp = query, let kp = key, let sp = sp.baseAddress else { return }
            // One product per (sequence, head), side by side on the BLAS threads when they are big enough.
            Parallel.independentProducts(batch * heads, work: sq * sk * headDim) { item in
                let (b, h) = item.quotientAndRemainder(dividingBy: heads)
                BLAS.sgemm(transposeB: true, m: sq, n: sk, k: headDim, alpha: scale,
                           a: qp + b * sq * queryStride + h * headDim, lda: queryStride,
                           b: kp + b * sk * keyStride + h * headDim, ldb: keyStride,
                           c: sp + (b * heads + h) * sq * sk, ldc: sk)
            }
        }
        return Tensor(uncheckedShape: [batch, heads, sq, sk], storage: result)
    }

    /// Probabilities times values per sequence and head into `[B, Sq, width]`, value rows `valueStride` apart.
    private static func headContext(probabilities: Tensor, value: UnsafePointer<Float>?, valueStride: Int,
                                    width: Int) -> Tensor {
        let (batch, heads, sq, sk) = (probabilities.shape[0], probabilities.shape[1],
                                      probabilities.shape[2], probabilities.shape[3])
        let headDim = width / heads
        var result = Tensor.outputStorage(count: batch * sq * width, overwritten: sk > 0)
        probabilities.storage.withUnsafeBufferPointer { pp in
            result.withUnsafeMutableBufferPointer { cp in
                guard let pp = pp.baseAddress, let vp = value, let cp = cp.baseAddress else { return }
                Parallel.independentProducts(batch * heads, work: sq * sk * headDim) { item in
                    let (b, h) = item.quotientAndRemainder(dividingBy: heads)
                    BLAS.sgemm(m: sq, n: headDim, k: sk,
                               a: pp + (b * heads + h) * sq * sk, lda: sk,
                               b: vp + b * sk * valueStride + h * headDim, ldb: valueStride,
                               c: cp + b * sq * width + h * headDim, ldc: width)
                }
            }
        }
        return Tensor(uncheckedShape: [batch, sq, width], storage: result)
    }
}
