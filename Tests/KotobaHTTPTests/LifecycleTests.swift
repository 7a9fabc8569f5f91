import Foundation
import Testing
@testable import KotobaHTTP

/// Client disappearance while a handler works, and graceful shutdown.
@Suite struct LifecycleTests {
    /// Holds the contexts and replies of requests a test answers by hand.
    final class Parked: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [(RequestContext, @Sendable (HTTPResponse) -> Void)] = []
        let goneCalls = Counter()

        func add(_ context: RequestContext, _ reply: @escaping @Sendable (HTTPResponse) -> Void) {
            lock.lock()
            items.append((context, reply))
            lock.unlock()
        }

        var all: [(RequestContext, @Sendable (HTTPResponse) -> Void)] {
            lock.lock()
            defer { lock.unlock() }
            return items
        }
    }

    private func parkingResponder(_ parked: Parked) -> ClosureResponder {
        ClosureResponder { _, context, reply in
            context.onClientGone { parked.goneCalls.increment() }
            parked.add(context, reply)
        }
    }

    @Test func clientDisconnectSetsIsClientGoneWhilePending() throws {
        let parked = Parked()
        let server = try TestServer(responder: parkingResponder(parked))
        do {
            let client = try RawClient(port: server.port)
            client.send("POST /infer HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi")
            #expect(eventually(within: 2) { parked.all.count == 1 })
            #expect(parked.all.first?.0.isClientGone == false)
            #expect(server.server.inFlightRequestCount == 1)
        }
        #expect(eventually(within: 2) { parked.all.first?.0.isClientGone == true })
        #expect(parked.goneCalls.value == 1)
        parked.all.first?.1(.text(.ok, "too late"))
        #expect(eventually(within: 2) { server.server.openConnectionCount == 0 })
        #expect(server.server.inFlightRequestCount == 0)
    }

    @Test func shutdownDrainsInFlightRequestsAndClosesIdleOnes() throws {
        let parked = Parked()
        let server = try TestServer(responder: parkingResponder(parked))
        let busy = try RawClient(port: server.port)
        busy.send("GET /work HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(eventually(within: 2) { parked.all.count == 1 })
        let idle = try RawClient(port: server.port)
        #expect(eventually(within: 2) { server.server.openConnectionCount == 2 })

        let done = Flag()
        let started = Date()
        server.server.shutdown(deadline: 10) { done.set() }
        #expect(idle.isClosedByPeer())
        #expect(eventually(within: 1) { (try? RawClient(port: server.port)) == nil }, "still accepting")
        #expect(!done.isSet)

        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { parked.all[0].1(.text(.ok, "finished")) }
        let response = try busy.readResponse()
        #expect(response.bodyText == "finished")
        #expect(response.header("Connection") == "close")
        #expect(eventually(within: 4) { done.isSet })
        #expect(Date().timeIntervalSince(started) < 5, "shutdown waited for the deadline instead of the drain")
    }

    @Test func shutdownClosesStragglersAtTheDeadline() throws {
        let parked = Parked()
        let server = try TestServer(responder: parkingResponder(parked))
        let client = try RawClient(port: server.port)
        client.send("GET /forever HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(eventually(within: 2) { parked.all.count == 1 })
        let started = Date()
        let elapsed = server.stop(deadline: 0.3)
        #expect(elapsed >= 0.25 && elapsed < 2.5, "completed after \(elapsed) s")
        #expect(Date().timeIntervalSince(started) < 3)
        #expect(parked.all[0].0.isClientGone)
        #expect(server.server.openConnectionCount == 0)
        #expect(client.isClosedByPeer())
    }

    @Test func shutdownBeforeStartCompletesAtOnce() {
        let server = HTTPServer(configuration: HTTPServerConfiguration(port: 0), responder: EchoResponder())
        let done = Flag()
        server.shutdown(deadline: 1) { done.set() }
        #expect(done.isSet)
    }

    @Test func bindFailureNamesTheAddress() throws {
        let first = try TestServer()
        let second = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: first.port),
                                responder: EchoResponder())
        #expect {
            try second.start()
        } throws: { error in
            "\(error)".contains("127.0.0.1:\(first.port)")
        }
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }

    func increment() {
        lock.lock()
        count += 1
        lock.unlock()
    }
}

@Suite struct ResetTests {
    @Test func clientResetWhilePendingIsNoticedAndTheLateReplyIsHarmless() throws {
        let parked = LifecycleTests.Parked()
        let responder = ClosureResponder { _, context, reply in parked.add(context, reply) }
        let server = try TestServer(responder: responder)
        do {
            let client = try RawClient(port: server.port)
            client.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(eventually(within: 2) { parked.all.count == 1 })
            client.abort()
        }
        #expect(eventually(within: 2) { parked.all.first?.0.isClientGone == true })
        #expect(eventually(within: 2) { server.server.openConnectionCount == 0 })
        #expect(server.server.inFlightRequestCount == 0)
        parked.all.first?.1(.text(.ok, "late"))
        // The server is still healthy.
        let next = try RawClient(port: server.port)
        next.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(eventually(within: 2) { parked.all.count == 2 })
        parked.all[1].1(.text(.ok, "fine"))
        #expect(try next.readResponse().bodyText == "fine")
    }
}

@Suite struct ReleaseTests {
    @Test func droppingARunningServerStopsListeningAndClosesConnections() throws {
        var server: HTTPServer? = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0,
                                                                                   eventLoopCount: 1),
                                             responder: EchoResponder())
        let port = try #require(server).start()
        let client = try RawClient(port: port, receiveTimeout: 3)
        client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        server = nil
        #expect(client.isClosedByPeer())
        #expect(eventually(within: 2) { (try? RawClient(port: port)) == nil }, "still accepting after release")
    }
}
