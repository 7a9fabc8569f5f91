import Foundation

/// A fixed set of threads that run inference, apart from the HTTP event loops.
///
/// Inference blocks a thread for milliseconds to seconds; on an event loop that would stall every connection
/// the loop serves, and on Dispatch's global queues it would let thread count grow with load. A bounded pool
/// keeps compute at a known width; work beyond it waits here in arrival order.
package final class InferencePool: @unchecked Sendable {
    // @unchecked: `pending`, `started` and `stopped` are guarded by `condition`.
    private let condition = NSCondition()
    private var pending: [@Sendable () -> Void] = []
    private var started = false
    private var stopped = false
    private let name: String
    /// Number of worker threads.
    package let width: Int

    /// `workers` ≤ 0 means one per core.
    package init(workers: Int, name: String = "kotoba.inference") {
        width = workers > 0 ? workers : max(1, ProcessInfo.processInfo.activeProcessorCount)
        self.name = name
    }

    /// Runs `work` on the next free worker; the first call starts the threads, so a service with no model
    /// (or a test that never submits) holds none.
    package func submit(_ work: @escaping @Sendable () -> Void) {
        condition.lock()
        if !started {
            started = true
            for index in 0..<width {
                let thread = Thread { [self] in workLoop() }
                thread.name = "\(name).\(index)"
                thread.stackSize = 8 << 20
                thread.start()
            }
        }
        pending.append(work)
        condition.signal()
        condition.unlock()
    }

    /// Lets the workers exit once the work already submitted has run.
    package func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func workLoop() {
        while true {
            condition.lock()
            while pending.isEmpty && !stopped { condition.wait() }
            if pending.isEmpty {
                condition.unlock()
                return
            }
            let work = pending.removeFirst()
            condition.unlock()
            work()
        }
    }
}
