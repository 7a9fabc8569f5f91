import Dispatch
import Foundation

/// Where log lines go: standard error by default, or a closure in tests.
///
/// Lines are written whole under a lock, so lines from different threads never interleave. Request lines
/// (`deferrable`) may wait up to `DescriptorWriter.flushDelay` in a buffer, so that a busy server pays one
/// `write(2)` per batch of them instead of one per request (as nginx's `access_log buffer=` and Envoy's access
/// log flush interval do); any other line writes out what waits before it, so the order is kept, and the
/// process writes the rest when it exits.
package struct LineSink: Sendable {
    private let writeBytes: @Sendable (UnsafeRawBufferPointer, _ deferrable: Bool) -> Void
    private let flushBuffered: @Sendable () -> Void

    /// A sink that hands each line, newline included, to `writeLine` at once.
    package init(_ writeLine: @escaping @Sendable (String) -> Void) {
        writeBytes = { bytes, _ in writeLine(String(decoding: bytes, as: UTF8.self)) }
        flushBuffered = {}
    }

    package func write(_ line: String) {
        var line = line
        line.withUTF8 { writeBytes(UnsafeRawBufferPointer($0), false) }
    }

    /// Writes a line already rendered to UTF-8; `deferrable` lines may wait briefly in a buffer.
    package func write(bytes line: [UInt8], deferrable: Bool = false) {
        line.withUnsafeBytes { writeBytes($0, deferrable) }
    }

    /// Writes whatever deferred lines are waiting.
    package func flush() {
        flushBuffered()
    }

    package static let standardError = LineSink(DescriptorWriter(descriptor: 2))
    package static let standardOutput = LineSink(DescriptorWriter(descriptor: 1))

    private init(_ writer: DescriptorWriter) {
        writeBytes = { bytes, deferrable in writer.write(bytes, deferrable: deferrable) }
        flushBuffered = { writer.flush() }
        DescriptorWriter.flushAtExit()
    }
}

/// A file descriptor with a small buffer for deferrable lines.
private final class DescriptorWriter: @unchecked Sendable {
    /// The longest a deferred line waits, and the most bytes that wait.
    static let flushDelay = DispatchTimeInterval.milliseconds(50)
    static let bufferLimit = 32 * 1024

    private let descriptor: Int32
    // A bare lock rather than `Locked`: ThreadSanitizer reported the exclusivity check on a `Locked` value as a
    // race between two log writers, which a lock guarding plain stored properties cannot have.
    private let lock = NSLock()
    private var buffer: [UInt8] = []
    private var flushScheduled = false

    init(descriptor: Int32) {
        self.descriptor = descriptor
        buffer.reserveCapacity(Self.bufferLimit + 4096)
    }

    func write(_ bytes: UnsafeRawBufferPointer, deferrable: Bool) {
        lock.lock()
        defer { lock.unlock() }
        guard deferrable else {
            writeBuffered()
            writeAll(bytes)
            return
        }
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.bufferLimit {
            writeBuffered()
        } else if !flushScheduled {
            flushScheduled = true
            DispatchQueue.global().asyncAfter(deadline: .now() + Self.flushDelay) { [self] in flush() }
        }
    }

    func flush() {
        lock.lock()
        defer { lock.unlock() }
        writeBuffered()
    }

    /// Called with the lock held.
    private func writeBuffered() {
        flushScheduled = false
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// A short write or EINTR leaves the rest to send; any other failure drops the bytes, since there is
    /// nowhere left to report it.
    private func writeAll(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(descriptor, base + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }

    private static let registerExitFlush: Void = {
        atexit {
            LineSink.standardError.flush()
            LineSink.standardOutput.flush()
        }
    }()

    /// Makes sure deferred lines reach the descriptor when the process exits normally.
    static func flushAtExit() {
        _ = registerExitFlush
    }
}
