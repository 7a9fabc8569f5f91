#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A blocking loopback client that sends exact bytes and reads responses, for tests only.
final class RawClient: @unchecked Sendable {
    struct Response {
        var status: Int
        var reason: String
        var headers: [(String, String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    enum ReadError: Error, Equatable {
        case timedOut
        case closed
        case reset
        case malformed(String)
    }

    let fd: Int32
    private var pending: [UInt8] = []

    /// `source` picks the loopback address the connection comes from (127.0.0.2 is another client).
    init(port: Int, receiveTimeout: Double = 5, source: String? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ReadError.malformed("socket: \(errno)") }
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else {
                Glibc.close(fd)
                throw ReadError.malformed("bind \(source): \(errno)")
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard status == 0 else {
            let code = errno
            Glibc.close(fd)
            throw ReadError.malformed("connect: \(String(cString: strerror(code)))")
        }
        setReceiveTimeout(receiveTimeout)
    }

    deinit {
        Glibc.close(fd)
    }

    func setReceiveTimeout(_ seconds: Double) {
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Returns false when the peer is gone (EPIPE / reset).
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { return false }
            offset += count
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool {
        send(Array(text.utf8))
    }

    /// Makes the next close send RST instead of FIN (SO_LINGER 0), then closes.
    func abort() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        shutdown(fd, Int32(SHUT_RD))
    }

    func shutdownWrite() {
        shutdown(fd, Int32(SHUT_WR))
    }

    private func fill() throws(ReadError) {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count > 0 {
            pending.append(contentsOf: chunk[..<count])
            return
        }
        if count == 0 { throw .closed }
        if errno == EAGAIN || errno == EWOULDBLOCK { throw .timedOut }
        throw .reset
    }

    /// Reads one response (head + Content-Length body; no body for HEAD or 1xx/204).
    func readResponse(isHead: Bool = false) throws(ReadError) -> Response {
        while true {
            if let end = headEnd() {
                let head = String(decoding: pending[..<end], as: UTF8.self)
                var lines = head.components(separatedBy: "\r\n")
                let statusLine = lines.removeFirst()
                let parts = statusLine.split(separator: " ", maxSplits: 2)
                guard parts.count >= 2, parts[0] == "HTTP/1.1", let status = Int(parts[1]) else {
                    throw .malformed(statusLine)
                }
                let headers = lines.filter { !$0.isEmpty }.map { line -> (String, String) in
                    let colon = line.firstIndex(of: ":") ?? line.endIndex
                    let value = line[colon...].dropFirst().trimmingCharacters(in: .whitespaces)
                    return (String(line[..<colon]), value)
                }
                var response = Response(status: status, reason: parts.count > 2 ? String(parts[2]) : "",
                                        headers: headers, body: [])
                let length = isHead || status < 200 || status == 204 ? 0 : Int(response.header("Content-Length") ?? "0") ?? 0
                let bodyStart = end + 4
                while pending.count < bodyStart + length { try fill() }
                response.body = Array(pending[bodyStart..<(bodyStart + length)])
                pending.removeFirst(bodyStart + length)
                return response
            }
            try fill()
        }
    }

    private func headEnd() -> Int? {
        guard pending.count >= 4 else { return nil }
        for index in 0...(pending.count - 4)
        where pending[index] == 13 && pending[index + 1] == 10 && pending[index + 2] == 13 && pending[index + 3] == 10 {
            return index
        }
        return nil
    }

    /// True when the server closes (EOF or reset) within the receive timeout with no further bytes.
    func isClosedByPeer() -> Bool {
        do {
            while true {
                try fill()
                if !pending.isEmpty { return false }
            }
        } catch {
            return error == .closed || error == .reset
        }
    }
}
