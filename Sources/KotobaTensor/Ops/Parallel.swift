import Dispatch

/// Splits the pointwise work around the matrix products across the cores BLAS uses.
///
/// With two BLAS threads every `sgemm` runs on both cores, so a single-threaded GELU or softmax would leave one
/// idle for a quarter of the forward pass. Work is split only when `BLAS.threadCount > 1` and the job is big
/// enough to amortise waking a thread.
enum Parallel {
    /// Calls `body` on disjoint ranges covering `0..<count`, concurrently when worthwhile.
    static func forEachRange(_ count: Int, minimumPerThread: Int = 16_384, _ body: (Range<Int>) -> Void) {
        let threads = min(BLAS.threadCount, count / max(minimumPerThread, 1))
        guard threads > 1 else {
            body(0..<count)
            return
        }
        let chunk = (count + threads - 1) / threads
        withoutActuallyEscaping(body) { body in
            // The ranges are disjoint and `concurrentPerform` returns only when every one is done, so the
            // caller's buffers outlive the work and no two threads touch the same element.
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                let range = (t * chunk)..<min(count, (t + 1) * chunk)
                if !range.isEmpty { body(range) }
            }
        }
    }
    /// Calls `product(i)` for every `i` in `0..<count`, spread over the BLAS threads with each product on one.
    ///
    /// For many small independent products (one per batch row and attention head): OpenBLAS would either run each
    /// on one thread, leaving the other cores idle, or thread each one and pay a wake-up and barrier per product.
    /// `flopsPerProduct` gates the split so tiny work (decoder steps, test fixtures) stays on the calling thread.
    static func forEachProduct(_ count: Int, flopsPerProduct: Int, _ product: (Int) -> Void) {
        let threads = min(BLAS.threadCount, count)
        guard threads > 1, count * flopsPerProduct >= 1 << 21 else {
            for i in 0..<count { product(i) }
            return
        }
        let chunk = (count + threads - 1) / threads
        BLAS.withSingleThreadedProducts {
            withoutActuallyEscaping(product) { product in
                // Each index writes its own output block, and `concurrentPerform` returns only when all are done.
                nonisolated(unsafe) let product = product
                DispatchQueue.concurrentPerform(iterations: threads) { t in
                    for i in (t * chunk)..<min(count, (t + 1) * chunk) { product(i) }
                }
            }
        }
    }
}
