import Dispatch

/// Accepts connections, hands each to an event loop, and sheds those past `maxConnections` with a 503.
final class Listener: @unchecked Sendable {
    private let fd: Int32
    private let queue: DispatchQueue
    private let core: ServerCore
    private let loops: [EventLoop]
    private let source: DispatchSourceRead
    private var nextLoop = 0
    private var suspended = false
    private var stopped = false
    private var date = DateCache()
    /// Input of shed connections is read into this and dropped.
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 16)

    /// Accepts per readable event, so one busy listener cannot starve the accept queue's other work.
    private static let acceptBatch = 64

    init(fd: Int32, queue: DispatchQueue, core: ServerCore, loops: [EventLoop]) {
        self.fd = fd
        self.queue = queue
        self.core = core
        self.loops = loops
        source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
    }

    deinit {
        scratch.deallocate()
    }

    func start() {
        let fd = self.fd
        let core = self.core
        source.setEventHandler { [weak self] in self?.acceptPending() }
        source.setCancelHandler {
            Socket.close(fd)
            core.listenerClosed()
        }
        source.resume()
    }

    func stop() {
        queue.async {
            guard !self.stopped else { return }
            self.stopped = true
            if self.suspended { self.source.resume() }
            self.source.cancel()
        }
    }

    private func acceptPending() {
        for _ in 0..<Self.acceptBatch {
            guard !stopped else { return }
            switch Socket.accept(fd) {
            case let .accepted(client, remoteAddress):
                let address = Socket.host(of: remoteAddress)
                switch core.reserveConnection(client: address) {
                case .admitted:
                    break
                case .overCapacity:
                    shed(client, remoteAddress: remoteAddress, message: "too many open connections; retry later")
                    continue
                case .clientOverCapacity:
                    shed(client, remoteAddress: remoteAddress, status: .tooManyRequests,
                         message: "too many open connections from \(address) "
                             + "(at most \(core.configuration.maxConnectionsPerClient)); close some, or reuse them")
                    continue
                case .shuttingDown:
                    shed(client, remoteAddress: remoteAddress, message: "server is shutting down")
                    continue
                }
                let loop = loops[nextLoop]
                nextLoop = (nextLoop + 1) % loops.count
                let core = self.core
                loop.queue.async {
                    let connection = Connection(fd: client, remoteAddress: remoteAddress, clientAddress: address,
                                                loop: loop, core: core)
                    loop.connections[ObjectIdentifier(connection)] = connection
                    let transport: (any Transport)? = if let tls = core.tls {
                        TLSTransport(fd: client, context: tls)
                    } else {
                        PlainTransport(fd: client)
                    }
                    connection.start(transport: transport)
                    // Shutdown may have drained this loop between the admission and this block.
                    if core.isShuttingDown { connection.drain() }
                }
            case .wouldBlock:
                return
            case .outOfDescriptors:
                // The pending connection stays in the backlog and the listener stays readable: back off
                // instead of spinning until a descriptor frees up.
                suspended = true
                source.suspend()
                queue.asyncAfter(deadline: .now() + .milliseconds(100)) {
                    guard self.suspended, !self.stopped else { return }
                    self.suspended = false
                    self.source.resume()
                }
                return
            case .failed:
                return
            }
        }
    }

    /// Over capacity: answer 503 at once and close, so the client learns why instead of hanging.
    private func shed(_ client: Int32, remoteAddress: String, status: HTTPStatus = .serviceUnavailable,
                      message: String) {
        // A TLS client cannot read a plain 503, and a handshake here would cost what shedding saves.
        guard core.tls == nil else {
            Socket.close(client)
            return
        }
        let requestID = RequestID.generate()
        let response = HTTPResponse.error(status, message: message, type: HTTPErrorType.overloaded, requestID: requestID)
        let bytes = ResponseEncoder.encode(response, requestID: requestID, close: true, omitBody: false,
                                           keepAliveHeader: false, date: &date)
        // Discard what the client already sent: closing with unread input would send RST, and a client
        // that sees the reset may never read the 503.
        for _ in 0..<4 {
            guard case .bytes = Socket.read(client, into: scratch) else { break }
        }
        let written = bytes.withUnsafeBytes { Socket.write(client, $0) }
        Socket.shutdownWrite(client)
        Socket.close(client)
        var sent = 0
        if case let .bytes(count) = written { sent = count }
        core.record(RequestRecord(method: HTTPMethod(rawValue: "-"), path: "-", route: nil, status: status.code,
                                  requestBytes: 0, responseBytes: sent, duration: 0, requestID: requestID,
                                  remoteAddress: remoteAddress))
    }
}
