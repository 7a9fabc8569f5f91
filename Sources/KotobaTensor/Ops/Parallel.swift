/// Splits the pointwise work around the matrix products across the cores BLAS uses.
///
/// With two BLAS threads every `sgemm` runs on both cores, so a single-threaded GELU or softmax would leave one
/// idle for a quarter of the forward pass. Work is split only when `BLAS.threadCount > 1` and the job is big
/// enough to amortise handing it over, over the threads of `WorkerTeam`.
package enum Parallel {
    /// Calls `body` on disjoint ranges covering `0..<count`, concurrently when worthwhile. With `partsPerThread`
    /// above 1 the ranges are smaller than a thread's share and claimed as threads come free, so a thread that
    /// started late or runs on a busier core takes fewer: for long jobs whose ranges cost alike.
    package static func forEachRange(_ count: Int, minimumPerThread: Int = 16_384, threads available: Int? = nil,
                                     partsPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
        let threads = min(available ?? BLAS.threadCount, count / max(minimumPerThread, 1), WorkerTeam.maxParticipants)
        guard threads > 1 else {
            body(0..<count)
            return
        }
        let parts = min(count, threads * max(1, partsPerThread), WorkerTeam.maxParticipants)
        let chunk = (count + parts - 1) / parts
        let ran = WorkerTeam.shared.run(parts: parts, participants: threads) { t in
            // Rounding the chunk up can leave the last parts nothing (12 in 8 parts: chunks of 2, parts 6 and 7
            // empty), so both bounds are clamped.
            let range = min(count, t * chunk)..<min(count, (t + 1) * chunk)
            if !range.isEmpty { body(range) }
        }
        // Another inference worker's job holds the team, so the cores are busy: do it here, alone.
        if !ran { body(0..<count) }
    }
}

extension Parallel {
    /// Runs `body(i)` for every `i < count`, the items split across the BLAS threads, each thread making
    /// single-threaded BLAS calls: many small products (attention, one per head) cost less side by side than each
    /// split across threads, and OpenBLAS's own workers are not woken, so they do not spin on the cores
    /// afterwards while other kernels need them.
    ///
    /// `work` is one product's multiply-adds; below about 100k per thread (a short sentence's heads) the loop
    /// stays on the caller with BLAS as configured, where waking a thread would cost more than it saves.
    ///
    /// OpenBLAS's thread count is process-wide (0.3.21 has no per-thread setting): a product another inference
    /// worker starts inside this window runs on one thread. It cannot stay at one: only a caller that read more
    /// than one sets it, and it restores the value it read.
    package static func independentProducts(_ count: Int, work: Int, _ body: (Int) -> Void) {
        let threads = BLAS.threadCount
        let perThread = 100_000
        guard threads > 1, count > 1, count * work >= 2 * perThread else {
            for i in 0..<count { body(i) }
            return
        }
        BLAS.threadCount = 1
        defer { BLAS.threadCount = threads }
        forEachRange(count, minimumPerThread: max(1, perThread / max(work, 1)), threads: threads) { range in
            for i in range { body(i) }
        }
    }
}
