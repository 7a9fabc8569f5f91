import COpenBLAS
import Foundation

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
        cblas_sgemv(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), alpha, a, Int32(lda ?? n), x, 1, beta, y, 1)
    }

    /// Number of threads OpenBLAS uses for one product (the configured count, also inside `withSingleThreadedProducts`).
    public static var threadCount: Int {
        get {
            ThreadPolicy.lock.withLock {
                ThreadPolicy.singleThreadedSections > 0 ? ThreadPolicy.configured : Int(openblas_get_num_threads())
            }
        }
        set {
            ThreadPolicy.lock.withLock {
                let count = max(1, newValue)
                if ThreadPolicy.singleThreadedSections > 0 {
                    ThreadPolicy.configured = count     // applied when the last section ends
                } else {
                    openblas_set_num_threads(Int32(count))
                }
            }
        }
    }

    /// Runs `body` with OpenBLAS limited to one thread per product, so that several threads can each issue their
    /// own small products concurrently.
    ///
    /// OpenBLAS 0.3.21 (pthreads) runs every threaded level-3 call under one global `level3_lock`
    /// (driver/level3/level3_thread.c), so products issued concurrently while it threads them are serialised;
    /// products it runs on the calling thread (`args.nthreads == 1`, interface/gemm.c) skip that lock and only
    /// share the thread-safe `blas_memory_alloc` buffers. The thread count is one process-wide integer
    /// (`blas_cpu_number`), so sections are counted: the first sets it to 1, the last restores the configured
    /// count. A product elsewhere in the process that starts meanwhile runs on one thread; OpenBLAS partitions
    /// `gemm` over `m` and `n` only, never `k`, so its result is the same, only its speed differs.
    static func withSingleThreadedProducts<R>(_ body: () -> R) -> R {
        ThreadPolicy.lock.withLock {
            if ThreadPolicy.singleThreadedSections == 0 {
                ThreadPolicy.configured = Int(openblas_get_num_threads())
                openblas_set_num_threads(1)
            }
            ThreadPolicy.singleThreadedSections += 1
        }
        defer {
            ThreadPolicy.lock.withLock {
                ThreadPolicy.singleThreadedSections -= 1
                if ThreadPolicy.singleThreadedSections == 0 {
                    openblas_set_num_threads(Int32(ThreadPolicy.configured))
                }
            }
        }
        return body()
    }
}

/// The process-wide OpenBLAS thread count and the single-threaded sections that temporarily override it.
private enum ThreadPolicy {
    static let lock = NSLock()
    // Guarded by `lock`.
    nonisolated(unsafe) static var configured = 1
    nonisolated(unsafe) static var singleThreadedSections = 0
}
