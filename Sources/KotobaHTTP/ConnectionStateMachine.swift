import Dispatch

/// Every decision one connection makes, with no sockets or queues: events in, actions out.
///
/// Requests are handled one at a time: while a response is pending, later pipelined requests wait in the
/// buffer, so responses leave in request order without reordering machinery (as swift-nio's
/// HTTPServerPipelineHandler does). Reads continue while responding only to notice the client leaving.
/// A `.sendResponse` is always the last action of a list: the driver reports `responseWritten()` after it.
struct ConnectionStateMachine {
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

    /// What the driver must do, in order.
    enum Action {
        /// Run the deadline this many seconds from now; nil: this state has none.
        case deadline(Double?)
        /// Hand the request to the responder; the reply must come back with `sequence`.
        case dispatch(HTTPRequest, RequestContext, sequence: UInt64)
        /// The pending request left `responding` (replied or abandoned).
        case finishedResponding
        /// Write the "100 Continue" interim response.
        case sendContinue
        /// Encode and write a final response; `responseWritten()` follows once its last byte is out.
        case sendResponse(HTTPResponse, ResponseOptions)
        case pauseReading
        case resumeReading
        /// Report the finished exchange (the driver adds the bytes written).
        case record(PendingRequest)
        /// The client left while `context`'s request was pending.
        case clientGone(RequestContext)
        /// Send FIN and keep reading (discarding) until EOF or the deadline.
        case shutdownWrite
        /// Cancel the sources and close the descriptor.
        case close
    }

    /// How a final response is framed on the wire.
    struct ResponseOptions: Equatable {
        var requestID: String
        var close: Bool
        var omitBody: Bool
        var keepAliveHeader: Bool
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
        var logFields: [(name: String, value: String)] = []
    }

    /// Pipelined bytes kept while a response is pending; past this, reading pauses until it is written.
    static let pipelineBacklog = 64 * 1024
    /// How long to keep discarding input after FIN before closing for good.
    static let lingerSeconds = 1.0

    private(set) var state: State = .readingHead
    private(set) var buffer = ByteBuffer()
    private var parser: RequestParser
    private let timeouts: HTTPServerConfiguration.Timeouts
    private let remoteAddress: String
    private let routePattern: (HTTPRequest) -> String?
    private let makeRequestID: () -> String
    private var requestStartedAt = DispatchTime.now()
    private var sequence: UInt64 = 0
    /// The peer sent FIN: answer what is buffered, then close.
    private var peerHalfClosed = false
    private var draining = false

    init(configuration: HTTPServerConfiguration, remoteAddress: String,
         routePattern: @escaping (HTTPRequest) -> String?, makeRequestID: @escaping () -> String) {
        parser = RequestParser(limits: configuration.limits)
        timeouts = configuration.timeouts
        self.remoteAddress = remoteAddress
        self.routePattern = routePattern
        self.makeRequestID = makeRequestID
    }

    /// A new connection waits for its first request under the header deadline.
    func start() -> [Action] {
        [.deadline(timeouts.header)]
    }

    var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }

    // MARK: - Input

    mutating func bytesReceived(_ bytes: UnsafeRawBufferPointer) -> [Action] {
        switch state {
        case .closing, .closed:
            return []
        default:
            buffer.append(bytes)
            return bytesBuffered()
        }
    }

    private mutating func bytesBuffered() -> [Action] {
        switch state {
        case .keepAliveIdle:
            state = .readingHead
            requestStartedAt = .now()
            return [.deadline(timeouts.header)] + process()
        case .readingHead, .readingBody:
            return process()
        case .responding, .writing:
            return buffer.readableCount > Self.pipelineBacklog ? [.pauseReading] : []
        case .closing, .closed:
            return []
        }
    }

    /// Feeds buffered bytes to the parser until it needs more, a request is dispatched, or it fails.
    private mutating func process() -> [Action] {
        var actions: [Action] = []
        while true {
            switch state {
            case .readingHead, .readingBody:
                break
            default:
                return actions
            }
            switch parser.next(&buffer) {
            case .needMoreData:
                return peerHalfClosed ? actions + close() : actions
            case let .head(head):
                state = .readingBody(head)
                if head.framing.hasBody {
                    actions.append(.deadline(timeouts.body))
                    // Ask for the body only when none of it has arrived; a client that sent it anyway is fine.
                    if head.expectsContinue && buffer.isEmpty { actions.append(.sendContinue) }
                }
            case let .body(body, trailers):
                guard case let .readingBody(head) = state else { return actions }
                return actions + dispatch(head, body: body, trailers: trailers)
            case let .error(error):
                return actions + serverError(error.status, message: error.message, type: error.errorType)
            }
        }
    }

    mutating func peerClosed(reset: Bool) -> [Action] {
        switch state {
        case .keepAliveIdle, .readingHead, .readingBody:
            if reset || buffer.isEmpty { return close() }
            peerHalfClosed = true
            return [.pauseReading] + process()
        case let .responding(pending), let .writing(pending, _):
            peerHalfClosed = true
            // close() reports a pending request's client as gone itself.
            if reset { return close() }
            guard case .responding = state, buffer.isEmpty, let context = pending.context else { return [.pauseReading] }
            return [.clientGone(context), .pauseReading]
        case .closing:
            return close()
        case .closed:
            return []
        }
    }

    // MARK: - Requests

    private mutating func dispatch(_ head: RequestHead, body: [UInt8], trailers: HTTPHeaders) -> [Action] {
        let requestID = head.clientRequestID ?? makeRequestID()
        let request = HTTPRequest(method: head.method, target: head.target, path: head.path, query: head.query,
                                  version: head.version, headers: head.headers, body: body, id: requestID,
                                  remoteAddress: remoteAddress, trailers: trailers)
        let context = RequestContext(requestID: requestID, remoteAddress: remoteAddress)
        sequence &+= 1
        state = .responding(PendingRequest(method: head.method, path: head.path, route: routePattern(request),
                                           requestID: requestID, version: head.version, keepAlive: head.keepAlive,
                                           context: context, startedAt: requestStartedAt,
                                           requestBytes: parser.requestBytes, sequence: sequence))
        parser.resetRequestCounters()
        return [.deadline(nil), .dispatch(request, context, sequence: sequence)]
    }

    /// The responder's answer; ignored unless it is for the request still pending.
    mutating func replied(_ response: HTTPResponse, sequence expected: UInt64, shuttingDown: Bool) -> [Action] {
        guard case var .responding(pending) = state, pending.sequence == expected else { return [] }
        let asksClose = response.headers.values(for: "Connection").contains { value in
            FieldList.elements(value).contains { HTTPHeaders.namesEqual($0, "close") }
        }
        let close = !pending.keepAlive || asksClose || draining || shuttingDown || (peerHalfClosed && buffer.isEmpty)
        pending.status = response.status.code
        pending.logFields = response.logFields
        let options = ResponseOptions(requestID: pending.requestID, close: close, omitBody: pending.method == .head,
                                      keepAliveHeader: pending.version == .http1_0)
        state = .writing(pending, close: close)
        return [.finishedResponding, .deadline(timeouts.write), .sendResponse(response, options)]
    }

    /// Refusals the server makes itself (parser errors, 408): the JSON envelope, then close.
    private mutating func serverError(_ status: HTTPStatus, message: String, type: String) -> [Action] {
        let requestID = makeRequestID()
        let pending = PendingRequest(method: parser.partialMethod ?? HTTPMethod(rawValue: "-"),
                                     path: parser.partialPath ?? "-", route: nil, requestID: requestID,
                                     version: .http1_1, keepAlive: false, context: nil, startedAt: requestStartedAt,
                                     requestBytes: parser.requestBytes + buffer.readableCount,
                                     status: status.code, sequence: sequence)
        state = .writing(pending, close: true)
        let response = HTTPResponse.error(status, message: message, type: type, requestID: requestID)
        return [.deadline(timeouts.write),
                .sendResponse(response, ResponseOptions(requestID: requestID, close: true,
                                                        omitBody: pending.method == .head, keepAliveHeader: false))]
    }

    /// The final response's last byte is out: close, or wait for (or start on) the next request.
    mutating func responseWritten() -> [Action] {
        guard case let .writing(pending, close) = state else { return [] }
        var actions: [Action] = [.record(pending)]
        if close || draining || (peerHalfClosed && buffer.isEmpty) {
            return actions + beginClosing()
        }
        state = .keepAliveIdle
        actions.append(.deadline(timeouts.idleKeepAlive))
        if !peerHalfClosed { actions.append(.resumeReading) }
        return buffer.isEmpty ? actions : actions + bytesBuffered()
    }

    /// The peer stopped taking bytes (reset, EPIPE): record what went out and close.
    mutating func writeFailed() -> [Action] {
        close()
    }

    private mutating func beginClosing() -> [Action] {
        state = .closing
        buffer = ByteBuffer()
        if peerHalfClosed { return [.shutdownWrite] + close() }
        return [.shutdownWrite, .deadline(min(Self.lingerSeconds, timeouts.header)), .resumeReading]
    }

    // MARK: - Deadlines and shutdown

    /// The current state's deadline passed.
    mutating func deadlinePassed() -> [Action] {
        switch state {
        case .keepAliveIdle, .closing:
            return close()
        case .readingHead:
            guard parser.isMidRequest || !buffer.isEmpty else { return close() }
            return serverError(.requestTimeout, message: "request head not received within \(timeouts.header) s",
                               type: HTTPErrorType.timeout)
        case .readingBody:
            return serverError(.requestTimeout, message: "request body not received within \(timeouts.body) s",
                               type: HTTPErrorType.timeout)
        case .writing:
            // A reader this slow cannot be answered; dropping it frees the buffer it pins.
            return close()
        case .responding, .closed:
            return []
        }
    }

    /// Shutdown: close if idle, otherwise close after the current response.
    mutating func drain() -> [Action] {
        draining = true
        switch state {
        case .keepAliveIdle:
            return close()
        case .readingHead where !parser.isMidRequest && buffer.isEmpty:
            return close()
        default:
            return []
        }
    }

    mutating func close() -> [Action] {
        var actions: [Action] = []
        switch state {
        case .closed:
            return []
        case let .responding(pending):
            if let context = pending.context { actions.append(.clientGone(context)) }
            actions.append(.finishedResponding)
        case let .writing(pending, _):
            actions.append(.record(pending))
        default:
            break
        }
        state = .closed
        return actions + [.close]
    }
}
