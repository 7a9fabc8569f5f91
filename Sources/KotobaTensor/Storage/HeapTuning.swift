#if canImport(Glibc)
import Glibc
#endif

/// Keeps freed tensor buffers in the process heap between forward passes.
///
/// Every op returns a fresh buffer, and an encoder layer frees megabytes of them per call. glibc serves blocks
/// above its mmap threshold with `mmap` and returns them with `munmap`, and trims the heap top beyond its trim
/// threshold, so each pass page-faults its working set back in and the kernel zeroes every page again
/// (measured: ~45k extra page faults per two-layer BERT-base pass at batch 8, about 5% of its time). Raising
/// both thresholds once makes the second pass reuse the first one's memory. Process-wide by nature, which is
/// why it is one idempotent call that model loading makes, rather than something each op decides.
public enum HeapTuning {
    private static let applied: Bool = {
        #if canImport(Glibc)
        // <malloc.h> is not part of Swift's Glibc module, so `mallopt` is looked up at run time; on a libc
        // without it (musl) the tuning is simply skipped.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let (trimThreshold, mmapThreshold): (Int32, Int32) = (-1, -3)   // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
        // 32 MiB is the largest mmap threshold glibc accepts on 64-bit (DEFAULT_MMAP_THRESHOLD_MAX).
        _ = mallopt(mmapThreshold, 32 << 20)
        _ = mallopt(trimThreshold, Int32.max)
        return true
        #else
        return false
        #endif
    }()

    /// Applies the tuning once per process; later calls do nothing.
    public static func retainFreedMemory() {
        _ = applied
    }
}
