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
}
