import Dispatch

/// The dispatch sources of one connection: readable/writable events, one deadline timer, and the
/// outbound buffer, over its `Transport`. Runs only on the connection's event loop queue.
///
/// A TLS transport may need the other readiness than the one its call implies (a read that must first
/// write handshake bytes, a write that must first read): `readWaitsForWritable` and
/// `writeWaitsForReadable` carry those over to the right source.
/// Unchecked like `Connection`: it is only ever touched on its event loop queue.
final class ConnectionIO: @unchecked Sendable {
    unowned let connection: Connection
    private let fd: Int32
    private let transport: any Transport
    private let readSource: DispatchSourceRead
    private let writeSource: DispatchSourceWrite
    private let timer: DispatchSourceTimer
    private var readSuspended = false
    /// Write sources start inactive; the first resume activates them.
    private var writeSuspended = true
    private var cancelled = false
    private var readWaitsForWritable = false
    private var writeWaitsForReadable = false

    private var outbound: [UInt8] = []
    private var outboundOffset = 0
    private(set) var bytesWritten = 0
    var responseStart = 0
    var queuedBytes: Int { outbound.count - outboundOffset }

    /// The deadline in force, and when the timer will next fire; deadlines that move later
    /// (the common case) only update `deadline`, the timer re-arms itself when it fires early.
    private var deadline: DispatchTime?
    private var timerFiresAt: DispatchTime?

    init(connection: Connection, transport: any Transport) {
        self.connection = connection
        self.transport = transport
        fd = connection.fd
        let queue = connection.loop.queue
        readSource = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        writeSource = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: queue)
        timer = DispatchSource.makeTimerSource(queue: queue)
    }

    func start() {
        readSource.setEventHandler { [weak self] in self?.readable() }
        writeSource.setEventHandler { [weak self] in self?.writable() }
        timer.setEventHandler { [weak self] in self?.timerFired() }
        // The descriptor may close only after both sources are cancelled (dispatch still watches it until then).
        let closer = DescriptorCloser(fd: fd, sources: 2)
        let onCancel: @Sendable () -> Void = { closer.sourceCancelled() }
        readSource.setCancelHandler(handler: onCancel)
        writeSource.setCancelHandler(handler: onCancel)
        readSource.resume()
        timer.resume()
    }

    private func readable() {
        guard !cancelled else { return }
        if writeWaitsForReadable {
            writeWaitsForReadable = false
            continueWriting()
        }
        readAvailable()
    }

    private func writable() {
        guard !cancelled else { return }
        if readWaitsForWritable {
            readWaitsForWritable = false
            readAvailable()
        }
        if queuedBytes > 0 { continueWriting() } else { updateWriteSource() }
    }

    /// Reads until the transport has nothing more now; a TLS record can hold more than one read takes,
    /// and the socket will not signal what the transport already holds.
    private func readAvailable() {
        let scratch = connection.loop.scratch
        while !cancelled && !readSuspended {
            switch transport.read(into: scratch) {
            case let .bytes(count):
                connection.bytesReceived(UnsafeRawBufferPointer(rebasing: scratch[..<count]))
                guard transport.hasBufferedInput else { return }
            case .wouldBlock(.readable):
                return
            case .wouldBlock(.writable):
                readWaitsForWritable = true
                updateWriteSource()
                return
            case .endOfFile:
                return connection.peerClosed(reset: false)
            case .failed:
                return connection.peerClosed(reset: true)
            }
        }
    }

    private func continueWriting() {
        switch flush() {
        case .drained: connection.outboundDrained()
        case .failed: connection.writeFailed()
        case .pending: break
        }
    }

    func pauseReading() {
        guard !readSuspended, !cancelled else { return }
        readSuspended = true
        readSource.suspend()
    }

    func resumeReading() {
        guard readSuspended, !cancelled else { return }
        readSuspended = false
        readSource.resume()
        // Bytes the transport already decrypted would otherwise wait for socket input that may never come.
        if transport.hasBufferedInput {
            connection.loop.queue.async { [weak self] in self?.readAvailable() }
        }
    }

    /// Sends FIN (TLS: close_notify first) while still reading.
    func shutdownWrite() {
        transport.shutdownWrite()
    }

    // MARK: - Writing

    /// How far a flush got.
    enum FlushResult {
        /// Everything queued is written.
        case drained
        /// The socket is full; the write source will continue.
        case pending
        /// The peer is gone.
        case failed
    }

    /// Queues `bytes` and writes as much as the socket takes now.
    func enqueue(_ bytes: [UInt8]) -> FlushResult {
        guard !cancelled else { return .failed }
        if outbound.isEmpty {
            outbound = bytes
        } else {
            outbound.append(contentsOf: bytes)
        }
        return flush()
    }

    private func flush() -> FlushResult {
        guard !cancelled else { return .failed }
        while outboundOffset < outbound.count {
            let result = outbound.withUnsafeBytes { all in
                transport.write(UnsafeRawBufferPointer(rebasing: all[outboundOffset...]))
            }
            switch result {
            case let .bytes(count):
                outboundOffset += count
                bytesWritten += count
            case .wouldBlock(.writable):
                waitingToWrite = true
                updateWriteSource()
                return .pending
            case .wouldBlock(.readable):
                writeWaitsForReadable = true
                return .pending
            case .endOfFile, .failed:
                return .failed
            }
        }
        outbound.removeAll(keepingCapacity: outbound.capacity <= ByteBuffer.retainedCapacity)
        outboundOffset = 0
        waitingToWrite = false
        updateWriteSource()
        return .drained
    }

    /// The last write would block until the socket drains.
    private var waitingToWrite = false

    /// The write source runs while a write or a read waits for the socket to take bytes, and only then.
    private func updateWriteSource() {
        // A cancelled source must stay resumed: dispatch traps on releasing a suspended one.
        guard !cancelled else { return }
        let wanted = waitingToWrite || readWaitsForWritable
        if wanted && writeSuspended {
            writeSuspended = false
            writeSource.resume()
        } else if !wanted && !writeSuspended {
            writeSuspended = true
            writeSource.suspend()
        }
    }

    // MARK: - Deadlines

    func setDeadline(after seconds: Double) {
        let when = DispatchTime.now() + seconds
        deadline = when
        if let firesAt = timerFiresAt, firesAt <= when { return }
        arm(when)
    }

    func clearDeadline() {
        deadline = nil
    }

    private func arm(_ when: DispatchTime) {
        timerFiresAt = when
        timer.schedule(deadline: when, leeway: .milliseconds(5))
    }

    private func timerFired() {
        guard !cancelled else { return }
        timerFiresAt = nil
        guard let deadline else { return }
        if DispatchTime.now() < deadline {
            arm(deadline)
            return
        }
        self.deadline = nil
        connection.deadlinePassed()
    }

    /// Cancels every source; the descriptor closes when the last cancel handler runs.
    func cancel() {
        guard !cancelled else { return }
        cancelled = true
        timer.cancel()
        if readSuspended { readSource.resume() }
        if writeSuspended { writeSource.resume() }
        readSource.cancel()
        writeSource.cancel()
    }
}

/// Closes a descriptor once every dispatch source watching it has finished cancelling.
private final class DescriptorCloser: @unchecked Sendable {
    private let fd: Int32
    private var sourcesLeft: Int

    init(fd: Int32, sources: Int) {
        self.fd = fd
        sourcesLeft = sources
    }

    /// Cancel handlers of one connection run on its serial queue, so the count needs no lock.
    func sourceCancelled() {
        sourcesLeft -= 1
        if sourcesLeft == 0 { Socket.close(fd) }
    }
}
