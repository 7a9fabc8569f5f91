import Foundation
import Testing
@testable import KotobaHTTP

/// Many slow connections from one address must not lock out other clients: `maxConnectionsPerClient` caps what
/// one address holds, so slots stay free for everyone else (at CI scale: 60 trickling connections, cap 20).
@Suite(.serialized) struct ConnectionPressureTests {
    @Test func oneAddressTricklingOnManyConnectionsLeavesRoomForOthers() throws {
        let server = try TestServer { configuration in
            configuration.maxConnections = 50
            configuration.maxConnectionsPerClient = 20
            configuration.timeouts.header = 10
        }
        var slow: [RawClient] = []
        var refused = 0
        for _ in 0..<60 {
            let client = try RawClient(port: server.port, receiveTimeout: 0.5, source: "127.0.0.1")
            _ = client.send("GET /slow HTTP/1.1\r\nHost: a\r\nX-Slow: ")
            slow.append(client)
        }
        #expect(eventually(within: 3) { server.server.openConnectionCount == 20 },
                "open: \(server.server.openConnectionCount)")
        // Past the cap, each new connection from that address got 429 and was closed.
        for client in slow.suffix(40) {
            if let response = try? client.readResponse(), response.status == 429 { refused += 1 }
        }
        #expect(refused == 40)
        // Another address is served at once, repeatedly, while the twenty trickle on.
        for round in 0..<10 {
            let other = try RawClient(port: server.port, receiveTimeout: 2, source: "127.0.0.2")
            #expect(other.send("GET /other\(round) HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n"))
            let response = try other.readResponse()
            #expect(response.status == 200)
        }
        // Closing the slow ones frees their address's slots.
        for client in slow.prefix(20) { client.abort() }
        slow.removeAll()  // the last references: each closes, with a reset
        #expect(eventually(within: 3) { server.server.openConnectionCount == 0 })
        let again = try RawClient(port: server.port, receiveTimeout: 2, source: "127.0.0.1")
        #expect(again.send("GET /again HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"))
        #expect(try again.readResponse().status == 200)
    }

    @Test func clientAddressesAreTheHostWithoutThePort() {
        #expect(Socket.host(of: "127.0.0.1:55626") == "127.0.0.1")
        #expect(Socket.host(of: "[::1]:8080") == "::1")
        #expect(Socket.host(of: "[2001:db8::1]:443") == "2001:db8::1")
    }

    @Test func theDescriptorLimitIsRaisedToTheHardLimit() {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        #expect(Socket.raiseDescriptorLimit() == Int(clamping: limit.rlim_max))
    }
}
