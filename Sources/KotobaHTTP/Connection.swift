import Dispatch

/// One client connection: performs what its `ConnectionStateMachine` decides, on its event loop's queue.
final class Connection: @unchecked Sendable {
    typealias Action = ConnectionStateMachine.Action

    let fd: Int32
    let remoteAddress: String
    /// The client's address without the port: what the per-client connection cap counts.
    let clientAddress: String
    /// Strong on purpose: the loop's table holds us until close, and we must not outlive it unsafely.
    let loop: EventLoop
    let core: ServerCore
    private var machine: ConnectionStateMachine
    private var io: ConnectionIO!

    init(fd: Int32, remoteAddress: String, clientAddress: String, loop: EventLoop, core: ServerCore) {
        self.fd = fd
        self.remoteAddress = remoteAddress
        self.clientAddress = clientAddress
        self.loop = loop
        self.core = core
        let responder = core.responder
        machine = ConnectionStateMachine(configuration: core.configuration, remoteAddress: remoteAddress,
                                         routePattern: { responder.routePattern(for: $0) },
                                         makeRequestID: { loop.requestIDs.next() })
    }

    /// Starts serving over `transport`, or closes at once when none could be made (TLS out of memory).
    func start(transport: (any Transport)?) {
        guard let transport else {
            Socket.close(fd)
            loop.connections[ObjectIdentifier(self)] = nil
            core.connectionClosed(client: clientAddress)
            return
        }
        io = ConnectionIO(connection: self, transport: transport)
        perform(machine.start())
        io.start()
    }

    // MARK: - Events from ConnectionIO and the responder

    func bytesReceived(_ bytes: UnsafeRawBufferPointer) { perform(machine.bytesReceived(bytes)) }
    func peerClosed(reset: Bool) { perform(machine.peerClosed(reset: reset)) }
    func deadlinePassed() { perform(machine.deadlinePassed()) }
    func outboundDrained() { perform(machine.responseWritten()) }
    func writeFailed() { perform(machine.writeFailed()) }
    func drain() { perform(machine.drain()) }
    func close() { perform(machine.close()) }

    private func replied(_ response: HTTPResponse, sequence: UInt64) {
        perform(machine.replied(response, sequence: sequence, shuttingDown: core.isShuttingDown))
    }

    // MARK: - Effects

    private func perform(_ actions: [Action]) {
        var written = false
        for action in actions {
            switch action {
            case let .deadline(seconds):
                if let seconds { io.setDeadline(after: seconds) } else { io.clearDeadline() }
            case let .dispatch(request, context, sequence):
                core.requestStarted()
                let loop = self.loop
                core.responder.respond(to: request, context: context) { response in
                    loop.queue.async { self.replied(response, sequence: sequence) }
                }
            case .finishedResponding:
                core.requestFinished()
            case .sendContinue:
                if io.enqueue(ResponseEncoder.continueResponse) == .failed { return writeFailed() }
            case let .sendResponse(response, options):
                io.responseStart = io.bytesWritten + io.queuedBytes
                let bytes = ResponseEncoder.encode(response, requestID: options.requestID, close: options.close,
                                                   omitBody: options.omitBody, keepAliveHeader: options.keepAliveHeader,
                                                   date: &loop.date)
                switch io.enqueue(bytes) {
                case .drained: written = true
                case .pending: break
                case .failed: return writeFailed()
                }
            case .pauseReading:
                io.pauseReading()
            case .resumeReading:
                io.resumeReading()
            case let .record(pending):
                let now = DispatchTime.now()
                core.record(RequestRecord(method: pending.method, path: pending.path, route: pending.route,
                                          status: pending.status, requestBytes: pending.requestBytes,
                                          responseBytes: io.bytesWritten - io.responseStart,
                                          duration: Double(now.uptimeNanoseconds &- pending.startedAt.uptimeNanoseconds) / 1e9,
                                          requestID: pending.requestID, remoteAddress: remoteAddress,
                                          logFields: pending.logFields))
            case let .clientGone(context):
                context.markClientGone()
            case .shutdownWrite:
                io.shutdownWrite()
            case .close:
                io.cancel()
                loop.connections[ObjectIdentifier(self)] = nil
                core.connectionClosed(client: clientAddress)
            }
        }
        // Reported after the list so the machine never sees a completion before its own actions ran.
        if written { outboundDrained() }
    }
}
