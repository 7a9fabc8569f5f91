import Dispatch

/// One client connection, driven entirely on its event loop's queue.
///
/// Requests are handled one at a time: while a response is pending, later pipelined requests wait in the
/// buffer, so responses leave in request order without reordering machinery (as swift-nio's
/// HTTPServerPipelineHandler does). Reads continue while responding only to notice the client leaving.
final class Connection: @unchecked Sendable {
    /// Where the connection is in its request/response cycle; each state owns one deadline.
    enum State {
        /// Between requests; the idle keep-alive deadline runs.
        case keepAliveIdle
        /// Reading a head; the header deadline runs from its first byte (for a new connection, from accept).
        case readingHead
        /// Reading the body of `head`; the body deadline runs from the end of the head.
        case readingBody(RequestHead)
        /// The responder has the request; no deadline (the service owns request timeouts).
        case responding(PendingRequest)
        /// Writing the final response; the write deadline runs from its first byte.
        case writing(PendingRequest, close: Bool)
        /// FIN sent; input is discarded briefly so the client reads our response instead of a reset.
        case closing
        /// Resources released.
        case closed
    }

    /// A request between dispatch and the end of its response.
    struct PendingRequest {
        var method: HTTPMethod
        var path: String
        var route: String?
        var requestID: String
        var version: HTTPVersion
        var keepAlive: Bool
        var context: RequestContext?
        var startedAt: DispatchTime
        var requestBytes: Int
        var status = 0
        var sequence: UInt64
    }

    let fd: Int32
    let remoteAddress: String
    unowned let loop: EventLoop
    let core: ServerCore
    var state: State = .readingHead
    var buffer = ByteBuffer()
    var parser: RequestParser
    var requestStartedAt: DispatchTime
    var sequence: UInt64 = 0
    /// The peer sent FIN: answer what is buffered, then close.
    var peerHalfClosed = false
    var draining = false

    var io: ConnectionIO!

    /// Pipelined bytes kept while a response is pending; past this, reading pauses until it is written.
    static let pipelineBacklog = 64 * 1024
    /// How long to keep discarding input after FIN before closing for good.
    static let lingerSeconds = 1.0

    init(fd: Int32, remoteAddress: String, loop: EventLoop, core: ServerCore) {
        self.fd = fd
        self.remoteAddress = remoteAddress
        self.loop = loop
        self.core = core
        self.parser = RequestParser(limits: core.configuration.limits)
        self.requestStartedAt = .now()
    }

    var timeouts: HTTPServerConfiguration.Timeouts { core.configuration.timeouts }

    func start() {
        io = ConnectionIO(connection: self)
        io.setDeadline(after: timeouts.header)
        io.start()
    }

    // MARK: - Input

    func bytesArrived() {
        switch state {
        case .keepAliveIdle:
            state = .readingHead
            requestStartedAt = .now()
            io.setDeadline(after: timeouts.header)
            process()
        case .readingHead, .readingBody:
            process()
        case .responding, .writing:
            if buffer.readableCount > Self.pipelineBacklog { io.pauseReading() }
        case .closing, .closed:
            break
        }
    }

    /// Feeds buffered bytes to the parser until it needs more, a request is dispatched, or it fails.
    func process() {
        while true {
            switch state {
            case .readingHead, .readingBody:
                break
            default:
                return
            }
            switch parser.next(&buffer) {
            case .needMoreData:
                if peerHalfClosed { close() }
                return
            case let .head(head):
                state = .readingBody(head)
                if head.framing.hasBody {
                    io.setDeadline(after: timeouts.body)
                    // Only ask for the body once nothing of it has arrived; a client that sent it anyway is fine.
                    if head.expectsContinue && buffer.isEmpty { io.enqueue(ResponseEncoder.continueResponse) }
                }
            case let .body(body, trailers):
                guard case let .readingBody(head) = state else { return }
                dispatch(head, body: body, trailers: trailers)
                return
            case let .error(error):
                refuse(error)
                return
            }
        }
    }

    func peerClosed(reset: Bool) {
        switch state {
        case .keepAliveIdle, .readingHead, .readingBody:
            if reset || buffer.isEmpty { close() } else {
                peerHalfClosed = true
                io.pauseReading()
                process()
            }
        case let .responding(pending), let .writing(pending, _):
            peerHalfClosed = true
            if buffer.isEmpty { pending.context?.markClientGone() }
            if reset { close() } else { io.pauseReading() }
        case .closing:
            close()
        case .closed:
            break
        }
    }

    // MARK: - Requests

    private func dispatch(_ head: RequestHead, body: [UInt8], trailers: HTTPHeaders) {
        let requestID = head.clientRequestID ?? loop.requestIDs.next()
        var request = HTTPRequest(method: head.method, target: head.target, version: head.version,
                                  headers: head.headers, body: body, id: requestID,
                                  remoteAddress: remoteAddress, trailers: trailers)
        request.path = head.path
        request.query = head.query
        let context = RequestContext(requestID: requestID, remoteAddress: remoteAddress)
        sequence &+= 1
        let pending = PendingRequest(method: head.method, path: head.path, route: core.responder.routePattern(for: request),
                                     requestID: requestID, version: head.version, keepAlive: head.keepAlive,
                                     context: context, startedAt: requestStartedAt,
                                     requestBytes: parser.requestBytes, sequence: sequence)
        parser.resetRequestCounters()
        state = .responding(pending)
        io.clearDeadline()
        core.requestStarted()
        let expected = sequence
        let loop = self.loop
        core.responder.respond(to: request, context: context) { response in
            loop.queue.async { self.replied(response, sequence: expected) }
        }
    }

    private func replied(_ response: HTTPResponse, sequence expected: UInt64) {
        guard case var .responding(pending) = state, pending.sequence == expected else { return }
        core.requestFinished()
        let asksClose = response.headers.values(for: "Connection").contains { value in
            FieldList.elements(value).contains { HTTPHeaders.namesEqual($0, "close") }
        }
        let close = !pending.keepAlive || asksClose || draining || core.isShuttingDown
            || (peerHalfClosed && buffer.isEmpty)
        pending.status = response.status.code
        let bytes = ResponseEncoder.encode(response, requestID: pending.requestID, close: close,
                                           omitBody: pending.method == .head,
                                           keepAliveHeader: pending.version == .http1_0,
                                           date: &loop.date)
        send(bytes, for: pending, close: close)
    }

    /// Server-generated refusal of a request the parser rejected; always followed by close.
    private func refuse(_ error: HTTPParseError) {
        sendServerError(error.status, message: error.message, type: error.errorType)
    }

    /// 408 and parser errors: the JSON envelope, `Connection: close`, and a record.
    func sendServerError(_ status: HTTPStatus, message: String, type: String) {
        let requestID = loop.requestIDs.next()
        let pending = PendingRequest(method: parser.partialMethod ?? HTTPMethod(rawValue: "-"),
                                     path: parser.partialPath ?? "-", route: nil, requestID: requestID,
                                     version: .http1_1, keepAlive: false, context: nil,
                                     startedAt: requestStartedAt, requestBytes: parser.requestBytes + buffer.readableCount,
                                     status: status.code, sequence: sequence)
        let response = HTTPResponse.error(status, message: message, type: type, requestID: requestID)
        let bytes = ResponseEncoder.encode(response, requestID: requestID, close: true, omitBody: false,
                                           keepAliveHeader: false, date: &loop.date)
        send(bytes, for: pending, close: true)
    }

    private func send(_ bytes: [UInt8], for pending: PendingRequest, close: Bool) {
        state = .writing(pending, close: close)
        io.setDeadline(after: timeouts.write)
        io.responseStart = io.bytesWritten + io.queuedBytes
        io.enqueue(bytes)
    }

    /// Reports an answered request; for a write cut short, with the bytes that did go out.
    private func record(_ pending: PendingRequest) {
        let now = DispatchTime.now()
        core.record(RequestRecord(method: pending.method, path: pending.path, route: pending.route,
                                  status: pending.status, requestBytes: pending.requestBytes,
                                  responseBytes: io.bytesWritten - io.responseStart,
                                  duration: Double(now.uptimeNanoseconds &- pending.startedAt.uptimeNanoseconds) / 1e9,
                                  requestID: pending.requestID, remoteAddress: remoteAddress))
    }

    /// Called by the I/O layer once the final response's last byte is written.
    func responseWritten() {
        guard case let .writing(pending, close) = state else { return }
        record(pending)
        if close || draining || (peerHalfClosed && buffer.isEmpty) {
            beginClosing()
            return
        }
        state = .keepAliveIdle
        io.setDeadline(after: timeouts.idleKeepAlive)
        if !peerHalfClosed { io.resumeReading() }
        if !buffer.isEmpty { bytesArrived() }
    }

    private func beginClosing() {
        state = .closing
        Socket.shutdownWrite(fd)
        if peerHalfClosed {
            close()
            return
        }
        io.setDeadline(after: min(Self.lingerSeconds, timeouts.header))
        buffer = ByteBuffer()
        io.resumeReading()
    }

    // MARK: - Deadlines and shutdown

    /// The current state's deadline passed.
    func deadlinePassed() {
        switch state {
        case .keepAliveIdle, .closing:
            close()
        case .readingHead:
            if parser.isMidRequest || !buffer.isEmpty {
                sendServerError(.requestTimeout, message: "request head not received within \(timeouts.header) s",
                                type: HTTPErrorType.timeout)
            } else {
                close()
            }
        case .readingBody:
            sendServerError(.requestTimeout, message: "request body not received within \(timeouts.body) s",
                            type: HTTPErrorType.timeout)
        case .writing:
            // A reader this slow cannot be answered; dropping it frees the buffer it pins.
            close()
        case .responding, .closed:
            break
        }
    }

    func drain() {
        draining = true
        switch state {
        case .keepAliveIdle:
            close()
        case .readingHead where !parser.isMidRequest && buffer.isEmpty:
            close()
        default:
            break
        }
    }

    func close() {
        if case .closed = state { return }
        switch state {
        case let .responding(pending):
            pending.context?.markClientGone()
            core.requestFinished()
        case let .writing(pending, _):
            record(pending)
        default:
            break
        }
        state = .closed
        io.cancel()
        loop.connections[ObjectIdentifier(self)] = nil
        core.connectionClosed()
    }
}
