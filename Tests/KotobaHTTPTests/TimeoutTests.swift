import Foundation
import Testing
@testable import KotobaHTTP

/// Absolute deadlines: trickling cannot extend them, and each fires when configured (1 s here), not later.
/// Upper bounds leave 1.5 s for a loaded 2-core machine; a deadline that trickling extended would need 20 s.
@Suite struct TimeoutTests {
    /// Sends `bytes` one at a time every `interval` seconds on a background thread until `stop` is set.
    private func trickle(_ bytes: [UInt8], to client: RawClient, every interval: Double, stop: Flag) {
        Thread.detachNewThread {
            for byte in bytes {
                if stop.isSet || !client.send([byte]) { return }
                Thread.sleep(forTimeInterval: interval)
            }
        }
    }

    @Test func tricklingHeadersGet408AtTheHeaderDeadline() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        let stop = Flag()
        defer { stop.set() }
        let started = Date()
        trickle(Array("GET / HTTP/1.1\r\nHost: a\r\nX-Slow: \(String(repeating: "s", count: 200))".utf8),
                to: client, every: 0.1, stop: stop)
        let response = try client.readResponse()
        let elapsed = Date().timeIntervalSince(started)
        #expect(response.status == 408)
        #expect(response.bodyText.contains(#""error_type":"timeout""#))
        #expect(elapsed >= 0.95 && elapsed < 2.5, "408 after \(elapsed) s")
        #expect(client.isClosedByPeer())
    }

    @Test func tricklingBodyGets408AtTheBodyDeadline() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        let stop = Flag()
        defer { stop.set() }
        client.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n")
        let started = Date()
        trickle(Array(repeating: UInt8(ascii: "b"), count: 100), to: client, every: 0.1, stop: stop)
        let response = try client.readResponse()
        let elapsed = Date().timeIntervalSince(started)
        #expect(response.status == 408)
        #expect(elapsed >= 0.9 && elapsed < 2.5, "408 after \(elapsed) s")
    }

    @Test func idleKeepAliveConnectionClosesQuietlyAtIdleDeadline() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port, receiveTimeout: 3)
        client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        _ = try client.readResponse()
        let started = Date()
        #expect(client.isClosedByPeer())
        let elapsed = Date().timeIntervalSince(started)
        #expect(elapsed >= 0.9 && elapsed < 2.5, "closed after \(elapsed) s")
    }

    @Test func silentNewConnectionClosesAtHeaderDeadlineWithoutResponse() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port, receiveTimeout: 3)
        let started = Date()
        #expect(client.isClosedByPeer())
        #expect(Date().timeIntervalSince(started) < 2.5)
    }

    @Test func readerThatNeverReadsIsDroppedAtWriteDeadline() throws {
        let big = [UInt8](repeating: 0x61, count: 32 * 1024 * 1024)
        let responder = ClosureResponder { _, _, reply in reply(HTTPResponse(status: .ok, body: big)) }
        let server = try TestServer(responder: responder)
        let client = try RawClient(port: server.port)
        client.send("GET /big HTTP/1.1\r\nHost: a\r\n\r\n")
        let started = Date()
        #expect(eventually(within: 0.5) { server.server.openConnectionCount == 1 })
        #expect(eventually(within: 4) { server.server.openConnectionCount == 0 })
        let elapsed = Date().timeIntervalSince(started)
        #expect(elapsed >= 0.9 && elapsed < 2.5, "dropped after \(elapsed) s")
    }
}

/// A thread-safe one-way flag.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    func set() {
        lock.lock()
        value = true
        lock.unlock()
    }
}
