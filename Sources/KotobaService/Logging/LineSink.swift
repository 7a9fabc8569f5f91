import Foundation

/// Where log lines go: standard error by default, or a closure in tests.
///
/// A line is written with one `write(2)` under a lock, so lines from different threads never interleave.
package struct LineSink: Sendable {
    private let writeLine: @Sendable (String) -> Void

    package init(_ writeLine: @escaping @Sendable (String) -> Void) {
        self.writeLine = writeLine
    }

    package func write(_ line: String) {
        writeLine(line)
    }

    package static let standardError = LineSink(descriptor: 2)
    package static let standardOutput = LineSink(descriptor: 1)

    private init(descriptor: Int32) {
        // A bare lock rather than `Locked(())`: ThreadSanitizer reported the exclusivity check on that empty
        // value as a race between two log writers, which a lock with no value to access cannot have.
        let lock = NSLock()
        writeLine = { line in
            lock.lock()
            defer { lock.unlock() }
            let bytes = Array(line.utf8)
            bytes.withUnsafeBytes { buffer in
                guard let base = buffer.baseAddress else { return }
                var offset = 0
                // A short write or EINTR leaves the rest to send; any other failure drops the line,
                // since there is nowhere left to report it.
                while offset < buffer.count {
                    let written = Foundation.write(descriptor, base + offset, buffer.count - offset)
                    if written < 0 && errno == EINTR { continue }
                    if written <= 0 { return }
                    offset += written
                }
            }
        }
    }
}
