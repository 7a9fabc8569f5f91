#if canImport(Glibc)
import Glibc
private let systemConnect = Glibc.connect
private let systemSend = Glibc.send
private let streamSocket = Int32(SOCK_STREAM.rawValue)
private let sendFlags = Int32(MSG_NOSIGNAL)
#elseif canImport(Darwin)
import Darwin
private let systemConnect = Darwin.connect
private let systemSend = Darwin.send
private let streamSocket = SOCK_STREAM
private let sendFlags: Int32 = 0
#endif

import KotobaHTTP

/// A one-shot HTTP/1.1 request over a plain socket or TLS, for `kotoba healthcheck` (slim images have no curl)
/// and for tests that talk to a `kotoba` subprocess.
///
/// It sends `Connection: close` and reads to end of stream, so it never needs to understand keep-alive.
/// This is the service's only socket code; the server's lives in KotobaHTTP.
package enum HealthProbe {
    /// What came back.
    package struct Response: Sendable {
        package var status: Int
        package var headers: [(name: String, value: String)]
        package var body: [UInt8]

        package func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    /// How an HTTPS probe checks the server's certificate.
    package typealias Verification = TLSClientSession.Verification

    /// Why no response came back.
    package enum Failure: Error, Equatable, CustomStringConvertible {
        case resolve(host: String, reason: String)
        case connect(host: String, port: Int, errno: Int32)
        case timedOut(host: String, port: Int)
        case io(errno: Int32)
        case malformedResponse(String)
        case tls(String)

        package var description: String {
            switch self {
            case let .resolve(host, reason): "cannot resolve \(host): \(reason)"
            case let .connect(host, port, code): "cannot connect to \(host):\(port): \(String(cString: strerror(code)))"
            case let .timedOut(host, port): "no answer from \(host):\(port) in time"
            case let .io(code): "socket error: \(String(cString: strerror(code)))"
            case let .malformedResponse(why): "malformed response: \(why)"
            case let .tls(why): "TLS: \(why)"
            }
        }
    }

    /// Largest response read; a probe answer is tiny, and the cap keeps a hostile peer from filling memory.
    static let maxResponseBytes = 4 * 1024 * 1024

    /// GETs `path`; with `tls`, over HTTPS checked as it says.
    package static func get(host: String, port: Int, path: String, timeout: Double = 2,
                           tls: Verification? = nil) throws(Failure) -> Response {
        try request("GET", host: host, port: port, path: path, timeout: timeout, tls: tls)
    }

    /// Sends `method` to `path` with a JSON `body` (when not empty); with `tls`, over HTTPS checked as it says.
    package static func request(_ method: String, host: String, port: Int, path: String, body: [UInt8] = [],
                               timeout: Double = 2, tls: Verification? = nil) throws(Failure) -> Response {
        let deadline = monotonicSeconds() + timeout
        let descriptor = try connect(host: host, port: port, deadline: deadline)
        defer { close(descriptor) }
        var channel = Channel(descriptor: descriptor, session: nil, deadline: deadline, host: host, port: port)
        if let tls {
            do { channel.session = try TLSClientSession(fd: descriptor, host: host, verification: tls) } catch {
                throw .tls(error.description)
            }
            _ = try channel.run { $0.handshake() }
        }
        let hostHeader = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(hostHeader)\r\nUser-Agent: kotoba-probe\r\n"
            + "Accept: */*\r\nConnection: close\r\n"
        if !body.isEmpty || method == "POST" {
            head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"
        }
        try send(Array((head + "\r\n").utf8) + body, over: channel)
        let raw = try receiveAll(over: channel)
        return try HealthProbe.parse(raw)
    }

    /// The connected socket, and the TLS session over it when there is one.
    private struct Channel {
        let descriptor: Int32
        var session: TLSClientSession?
        let deadline: Double
        let host: String
        let port: Int

        /// Repeats a TLS call, polling for what it wants, until it is done; returns its byte count (0 at end).
        func run(_ call: (TLSClientSession) -> TLSClientSession.Outcome) throws(Failure) -> Int {
            guard let session else { return 0 }
            while true {
                let events: Int16
                switch call(session) {
                case let .done(count): return count
                case .closed: return 0
                case let .failed(why): throw .tls(why)
                case .wantRead: events = Int16(POLLIN)
                case .wantWrite: events = Int16(POLLOUT)
                }
                guard try wait(for: events, on: descriptor, deadline: deadline, host: host, port: port) else {
                    throw .timedOut(host: host, port: port)
                }
            }
        }
    }

    private static func connect(host: String, port: Int, deadline: Double) throws(Failure) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = streamSocket
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw .resolve(host: host, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }
        var lastError: Int32 = ECONNREFUSED
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            let descriptor = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            guard descriptor >= 0 else { lastError = errno; continue }
            // Non-blocking connect, so an unroutable host fails at our deadline rather than the kernel's.
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            if systemConnect(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                return descriptor
            }
            guard errno == EINPROGRESS else { lastError = errno; close(descriptor); continue }
            guard try wait(for: Int16(POLLOUT), on: descriptor, deadline: deadline, host: host, port: port) else {
                close(descriptor)
                throw .timedOut(host: host, port: port)
            }
            var code: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &code, &length)
            if code == 0 { return descriptor }
            lastError = code
            close(descriptor)
        }
        throw .connect(host: host, port: port, errno: lastError)
    }

    private static func send(_ bytes: [UInt8], over channel: Channel) throws(Failure) {
        let (descriptor, deadline, host, port) = (channel.descriptor, channel.deadline, channel.host, channel.port)
        var offset = 0
        if channel.session != nil {
            while offset < bytes.count {
                offset += try channel.run { session in
                    bytes.withUnsafeBytes { session.write(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
                }
            }
            return
        }
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { buffer in
                systemSend(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset, sendFlags)
            }
            if sent > 0 { offset += sent; continue }
            guard sent < 0, errno == EAGAIN || errno == EINTR else { throw .io(errno: errno) }
            guard try wait(for: Int16(POLLOUT), on: descriptor, deadline: deadline, host: host, port: port) else {
                throw .timedOut(host: host, port: port)
            }
        }
    }

    private static func receiveAll(over channel: Channel) throws(Failure) -> [UInt8] {
        let (descriptor, deadline, host, port) = (channel.descriptor, channel.deadline, channel.host, channel.port)
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        if channel.session != nil {
            while received.count < maxResponseBytes {
                let count = try channel.run { session in chunk.withUnsafeMutableBytes { session.read(into: $0) } }
                if count == 0 { return received }
                received += chunk[0..<count]
            }
            throw .malformedResponse("longer than \(maxResponseBytes) bytes")
        }
        while received.count < maxResponseBytes {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 { received += chunk[0..<count]; continue }
            if count == 0 { return received }
            guard errno == EAGAIN || errno == EINTR else { throw .io(errno: errno) }
            guard try wait(for: Int16(POLLIN), on: descriptor, deadline: deadline, host: host, port: port) else {
                throw .timedOut(host: host, port: port)
            }
        }
        throw .malformedResponse("longer than \(maxResponseBytes) bytes")
    }

    /// Polls until the socket is ready for `events`; false when the deadline passes first.
    private static func wait(for events: Int16, on descriptor: Int32, deadline: Double,
                             host: String, port: Int) throws(Failure) -> Bool {
        while true {
            let remaining = deadline - monotonicSeconds()
            guard remaining > 0 else { return false }
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&entry, 1, Int32(min(remaining * 1000, 60_000).rounded(.up)))
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { throw .io(errno: errno) }
        }
    }

    private static func monotonicSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
