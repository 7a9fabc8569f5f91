#if canImport(Glibc)
import Glibc
#endif
import COpenSSL

/// How one connection's bytes reach the socket: as they are, or through TLS. `ConnectionIO` reads and writes
/// through it and never learns which.
protocol Transport: AnyObject {
    func read(into buffer: UnsafeMutableRawBufferPointer) -> TransportResult
    func write(_ bytes: UnsafeRawBufferPointer) -> TransportResult
    /// Input the transport holds that the socket will not signal again (a TLS record read but not yet taken).
    var hasBufferedInput: Bool { get }
    /// Ends our side of the stream (TLS: close_notify first), still letting the peer's bytes in.
    func shutdownWrite()
}

/// What a read or write did.
enum TransportResult: Equatable {
    case bytes(Int)
    /// Nothing now; retry when the socket is `readable` (the usual case for a read) or `writable`.
    case wouldBlock(retryWhen: SocketEvent)
    case endOfFile
    /// The peer reset, or the TLS layer failed (plain HTTP on the TLS port, a bad handshake).
    case failed
}

enum SocketEvent: Equatable {
    case readable
    case writable
}

/// The socket itself.
final class PlainTransport: Transport {
    private let fd: Int32

    init(fd: Int32) { self.fd = fd }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> TransportResult {
        switch Socket.read(fd, into: buffer) {
        case let .bytes(count): .bytes(count)
        case .wouldBlock: .wouldBlock(retryWhen: .readable)
        case .endOfFile: .endOfFile
        case .failed: .failed
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> TransportResult {
        switch Socket.write(fd, bytes) {
        case let .bytes(count): .bytes(count)
        case .wouldBlock: .wouldBlock(retryWhen: .writable)
        case .endOfFile: .endOfFile
        case .failed: .failed
        }
    }

    var hasBufferedInput: Bool { false }

    func shutdownWrite() { Socket.shutdownWrite(fd) }
}

/// TLS over the non-blocking socket: OpenSSL reads and writes the descriptor itself and says, through
/// WANT_READ/WANT_WRITE, which readiness to wait for. The handshake happens inside the first reads.
final class TLSTransport: Transport {
    private let fd: Int32
    private let ssl: OpaquePointer

    /// nil when OpenSSL cannot make a session for the socket.
    init?(fd: Int32, context: TLSContext) {
        guard let ssl = context.newSession() else { return nil }
        guard SSL_set_fd(ssl, fd) == 1 else {
            SSL_free(ssl)
            return nil
        }
        SSL_set_accept_state(ssl)
        self.fd = fd
        self.ssl = ssl
    }

    deinit {
        SSL_free(ssl)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> TransportResult {
        let count = SSL_read(ssl, buffer.baseAddress, Int32(clamping: buffer.count))
        return count > 0 ? .bytes(Int(count)) : outcome(of: count)
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> TransportResult {
        guard !bytes.isEmpty else { return .bytes(0) }
        let count = SSL_write(ssl, bytes.baseAddress, Int32(clamping: bytes.count))
        return count > 0 ? .bytes(Int(count)) : outcome(of: count)
    }

    var hasBufferedInput: Bool { SSL_has_pending(ssl) == 1 }

    func shutdownWrite() {
        // Best effort: a close_notify that does not fit the socket now is not worth waiting for.
        if SSL_is_init_finished(ssl) == 1 { _ = SSL_shutdown(ssl) }
        ERR_clear_error()
        Socket.shutdownWrite(fd)
    }

    private func outcome(of result: Int32) -> TransportResult {
        let error = SSL_get_error(ssl, result)
        // Each failed call leaves entries on this thread's error queue; later calls must not see them.
        defer { ERR_clear_error() }
        switch error {
        case SSL_ERROR_WANT_READ: return .wouldBlock(retryWhen: .readable)
        case SSL_ERROR_WANT_WRITE: return .wouldBlock(retryWhen: .writable)
        case SSL_ERROR_ZERO_RETURN: return .endOfFile
        case SSL_ERROR_SYSCALL where errno == EAGAIN || errno == EINTR: return .wouldBlock(retryWhen: .readable)
        default: return .failed
        }
    }
}
