import COpenBLAS

/// The only caller of CBLAS in Kotoba: every matrix product in the project goes through here.
public enum BLAS {
    /// `C = alpha * op(A) · op(B) + beta * C` on raw row-major buffers.
    ///
    /// `A` is `m×k` (or `k×m` when `transposeA`), `B` is `k×n` (or `n×k` when `transposeB`), `C` is `m×n`.
    /// `lda`, `ldb`, `ldc` default to the dense row strides.
    @inlinable
    public static func sgemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int? = nil,
        b: UnsafePointer<Float>, ldb: Int? = nil,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int? = nil
    ) {
        guard m > 0, n > 0 else { return }
        quiesceTeam()
        cblas_sgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k),
            alpha,
            a, Int32(lda ?? (transposeA ? m : k)),
            b, Int32(ldb ?? (transposeB ? k : n)),
            beta,
            c, Int32(ldc ?? n))
    }

    /// `y = alpha * op(A) · x + beta * y` with `A` row-major `m×n`.
    @inlinable
    public static func sgemv(
        transpose: Bool = false, m: Int, n: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int? = nil,
        x: UnsafePointer<Float>, beta: Float = 0, y: UnsafeMutablePointer<Float>
    ) {
        guard m > 0, n > 0 else { return }
        quiesceTeam()
        cblas_sgemv(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), alpha, a, Int32(lda ?? n), x, 1, beta, y, 1)
    }

    /// Parks `Parallel`'s spinning helpers before a product that OpenBLAS spreads over its own threads.
    @usableFromInline
    static func quiesceTeam() {
        if openblas_get_num_threads() > 1 { WorkerTeam.shared.quiesce() }
    }

    /// Number of threads OpenBLAS uses for one product.
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }
}
