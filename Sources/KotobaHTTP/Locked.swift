import Foundation

/// A value guarded by a lock, shared between event loops, loader, batcher and signal queues; the one lock type
/// of every Kotoba module (KotobaHTTP imports none of ours, so it lives here).
///
/// A class around `NSLock` rather than `Synchronization.Mutex`: `Mutex` is noncopyable, and a shared reference
/// is what the closures and stored properties that hold these need.
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
