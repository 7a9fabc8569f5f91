import Foundation

/// A value guarded by a lock, shared between the event loops, the loader queue and the signal queue.
///
/// `Synchronization.Mutex` would do, but it needs macOS 15 and the package still declares macOS 14.
package final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    package init(_ value: Value) {
        self.value = value
    }

    package func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }

    package var current: Value {
        withLock { $0 }
    }
}
