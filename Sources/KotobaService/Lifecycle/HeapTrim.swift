import Dispatch
import Foundation

/// Hands memory freed by released models back to the system.
///
/// glibc's malloc keeps freed memory in its arenas for reuse rather than returning it, so after a reload
/// released a model's weights (tens to hundreds of MB) the process would stay that much larger until its
/// next allocations happened to reuse the space. `malloc_trim` returns the free pages. It is looked up at run
/// time: C libraries without it (musl, Darwin) simply skip the trim.
enum HeapTrim {
    private typealias Trim = @convention(c) (Int) -> Int32

    private static let trim: Trim? = {
        // A null handle searches the process's global symbols, as RTLD_DEFAULT does on glibc.
        guard let symbol = dlsym(nil, "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: Trim.self)
    }()

    /// Whether this C library can trim its heap.
    static var isAvailable: Bool { trim != nil }

    /// Trims now and again after each delay: a model is freed once the requests still holding it finish, and
    /// none outlives its deadline.
    static func schedule(after delays: [Double]) {
        guard let trim else { return }
        for delay in delays {
            DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + delay) { _ = trim(0) }
        }
    }
}
