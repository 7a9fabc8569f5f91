// Design: a few serial event-loop queues, never a thread per client.
//
// The listener is non-blocking and watched by one DispatchSourceRead on the accept queue. Each accepted
// socket is made non-blocking (TCP_NODELAY on) and pinned round-robin to one of `eventLoopCount` serial
// DispatchQueues; its read source, write source (armed only while a send would block) and one deadline timer
// all fire on that queue, so a connection's state is touched by exactly one queue and needs no locks.
// Dispatch multiplexes every source over epoll, so 1,000 idle keep-alive connections cost 1,000 registered
// descriptors and a little memory, and no threads. Responders get a completion closure; the reply hops back
// to the connection's queue, so inference runs wherever the responder puts it. Only the counters shared
// across loops (open connections, requests in flight, shutdown) sit behind a lock (ServerCore).
//
// Each connection's decisions live in ConnectionStateMachine (bytes, replies, deadlines in; actions out) and
// Connection only performs the actions, so the protocol logic is tested without sockets. One request is
// handled at a time per connection; pipelined ones wait in its buffer, which keeps responses in order.
//
// Deadlines are absolute (header section, body, idle keep-alive, write): each starts at a fixed moment and is
// never extended by progress, so a client trickling one byte at a time is cut off on schedule.

import Dispatch

/// An HTTP/1.1 server on non-blocking sockets and Dispatch; see the design note above.
package final class HTTPServer: @unchecked Sendable {
    package let configuration: HTTPServerConfiguration
    private let core: ServerCore
    private let loops: [EventLoop]
    private let acceptQueue = DispatchQueue(label: "kotoba.http.accept", qos: .userInitiated)

    private enum Lifecycle {
        /// Not started yet.
        case idle
        /// Accepting on `listener`.
        case running(listener: Listener)
        /// `shutdown` was called.
        case stopped
    }

    private let lifecycle = Locked(Lifecycle.idle)

    /// With `tls`, the listener speaks HTTPS only.
    package init(configuration: HTTPServerConfiguration, responder: any HTTPResponder, tls: TLSContext? = nil,
                onRequestCompleted: (@Sendable (RequestRecord) -> Void)? = nil) {
        self.configuration = configuration
        core = ServerCore(configuration: configuration, responder: responder, tls: tls,
                          onRequestCompleted: onRequestCompleted)
        loops = (0..<max(1, configuration.eventLoopCount)).map { EventLoop(index: $0) }
    }

    /// Dropping a running server stops it rather than leaving its listener and connections orphaned.
    deinit {
        shutdown(deadline: 0) {}
    }

    /// The TLS context, when the listener speaks HTTPS (`reload()` rotates its certificate).
    package var tls: TLSContext? { core.tls }

    /// Connections currently open (including ones being drained).
    package var openConnectionCount: Int { core.openConnections }
    /// Requests handed to the responder whose response has not been produced yet.
    package var inFlightRequestCount: Int { core.inFlight }

    /// Binds, listens and starts accepting; returns the bound port (useful with port 0).
    @discardableResult
    package func start() throws(HTTPServerError) -> Int {
        let config = configuration
        guard config.port >= 0, config.port <= 65535 else { throw .invalidConfiguration("port \(config.port) out of range") }
        guard config.maxConnections > 0 else { throw .invalidConfiguration("maxConnections must be positive") }
        let alreadyStarted = lifecycle.withLock { state -> Bool in
            if case .idle = state { return false }
            return true
        }
        if alreadyStarted { throw .alreadyStarted }
        Socket.ignoreSIGPIPE()
        Socket.raiseDescriptorLimit()
        let (fd, port) = try Socket.listen(host: config.host, port: config.port, backlog: config.backlog)
        let listener = Listener(fd: fd, queue: acceptQueue, core: core, loops: loops)
        let started = lifecycle.withLock { state -> Bool in
            guard case .idle = state else { return false }
            state = .running(listener: listener)
            return true
        }
        guard started else {
            Socket.close(fd)
            throw .alreadyStarted
        }
        listener.start()
        return port
    }

    /// Stops accepting at once, lets in-flight requests finish for up to `deadline` seconds, then closes
    /// every connection; `completion` runs once all are closed. Idle connections close immediately.
    package func shutdown(deadline: Double, completion: @escaping @Sendable () -> Void) {
        let listener = lifecycle.withLock { state -> Listener? in
            defer { state = .stopped }
            if case let .running(listener) = state { return listener }
            return nil
        }
        let (first, alreadyDone) = core.beginShutdown(completion: completion)
        if alreadyDone {
            completion()
            return
        }
        guard first else { return }
        if let listener {
            listener.stop()
        } else {
            core.listenerClosed()
        }
        for loop in loops {
            loop.queue.async { loop.drain() }
        }
        let loops = self.loops
        DispatchQueue.global().asyncAfter(deadline: .now() + max(0, deadline)) {
            for loop in loops {
                loop.queue.async { loop.closeAll() }
            }
        }
    }
}
