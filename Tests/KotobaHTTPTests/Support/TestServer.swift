import Foundation
@testable import KotobaHTTP

/// Starts a server on an ephemeral loopback port with short timeouts; `stop()` shuts it down and waits.
final class TestServer: @unchecked Sendable {
    let server: HTTPServer
    let port: Int
    let records = RecordLog()

    static func shortTimeouts() -> HTTPServerConfiguration.Timeouts {
        HTTPServerConfiguration.Timeouts(header: 1.0, body: 1.0, idleKeepAlive: 1.0, write: 1.0)
    }

    init(responder: any HTTPResponder = EchoResponder(), tls: TLSContext? = nil,
         configure: (inout HTTPServerConfiguration) -> Void = { _ in }) throws {
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0, eventLoopCount: 2,
                                                    timeouts: Self.shortTimeouts())
        configure(&configuration)
        let records = self.records
        server = HTTPServer(configuration: configuration, responder: responder, tls: tls) { records.append($0) }
        port = try server.start()
    }

    /// Shuts down with `deadline` and waits for completion; returns seconds taken.
    @discardableResult
    func stop(deadline: Double = 1) -> Double {
        let done = DispatchSemaphore(value: 0)
        let started = Date()
        server.shutdown(deadline: deadline) { done.signal() }
        _ = done.wait(timeout: .now() + deadline + 5)
        return Date().timeIntervalSince(started)
    }

    deinit {
        _ = stop(deadline: 0)
    }
}

/// Thread-safe list of request records.
final class RecordLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [RequestRecord] = []

    func append(_ record: RequestRecord) {
        lock.lock()
        items.append(record)
        lock.unlock()
    }

    var all: [RequestRecord] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}

/// Answers every request with its method, path, body and headers of interest, as text.
struct EchoResponder: HTTPResponder {
    func respond(to request: HTTPRequest, context: RequestContext,
                 reply: @escaping @Sendable (HTTPResponse) -> Void) {
        var text = "\(request.method) \(request.path)"
        if let query = request.query { text += "?\(query)" }
        text += " body=\(String(decoding: request.body, as: UTF8.self))"
        for (name, value) in request.trailers { text += " trailer:\(name)=\(value)" }
        reply(.text(.ok, text))
    }
}

/// A responder built from a closure, for tests that control timing.
struct ClosureResponder: HTTPResponder {
    let handler: @Sendable (HTTPRequest, RequestContext, @escaping @Sendable (HTTPResponse) -> Void) -> Void

    init(_ handler: @escaping @Sendable (HTTPRequest, RequestContext, @escaping @Sendable (HTTPResponse) -> Void) -> Void) {
        self.handler = handler
    }

    func respond(to request: HTTPRequest, context: RequestContext,
                 reply: @escaping @Sendable (HTTPResponse) -> Void) {
        handler(request, context, reply)
    }
}

/// Polls `condition` every 10 ms for up to `seconds`; true once it holds.
func eventually(within seconds: Double, _ condition: () -> Bool) -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}
