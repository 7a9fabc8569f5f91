/// State shared by the acceptor and every connection: configuration, responder and the counters.
final class ServerCore: @unchecked Sendable {
    let configuration: HTTPServerConfiguration
    let responder: any HTTPResponder
    let onRequestCompleted: (@Sendable (RequestRecord) -> Void)?
    /// Set when the listener speaks HTTPS only.
    let tls: TLSContext?

    private struct Counters {
        var open = 0
        /// Open connections per client address, for `maxConnectionsPerClient`.
        var perClient: [String: Int] = [:]
        var inFlight = 0
        var shuttingDown = false
        var listenerClosed = false
        var finished = false
        var completions: [@Sendable () -> Void] = []
    }

    private let counters = Locked(Counters())

    init(configuration: HTTPServerConfiguration, responder: any HTTPResponder, tls: TLSContext?,
         onRequestCompleted: (@Sendable (RequestRecord) -> Void)?) {
        self.configuration = configuration
        self.tls = tls
        self.responder = responder
        self.onRequestCompleted = onRequestCompleted
    }

    var openConnections: Int { counters.withLock { $0.open } }
    var inFlight: Int { counters.withLock { $0.inFlight } }
    var isShuttingDown: Bool { counters.withLock { $0.shuttingDown } }

    /// Why a just-accepted connection may not be served.
    enum Admission {
        case admitted
        case overCapacity
        case clientOverCapacity
        case shuttingDown
    }

    /// Counts a new connection from `client` (its address without the port) unless that would pass
    /// `maxConnections` or `maxConnectionsPerClient`, or the server is stopping.
    func reserveConnection(client: String) -> Admission {
        counters.withLock { counters in
            if counters.shuttingDown { return .shuttingDown }
            guard counters.open < configuration.maxConnections else { return .overCapacity }
            let cap = configuration.maxConnectionsPerClient
            let held = counters.perClient[client, default: 0]
            guard cap == 0 || held < cap else { return .clientOverCapacity }
            counters.open += 1
            if cap > 0 { counters.perClient[client] = held + 1 }
            return .admitted
        }
    }

    func connectionClosed(client: String) {
        let done = counters.withLock { counters -> [@Sendable () -> Void] in
            counters.open -= 1
            if let held = counters.perClient[client] {
                counters.perClient[client] = held > 1 ? held - 1 : nil
            }
            return Self.takeCompletionsIfDone(&counters)
        }
        for completion in done { completion() }
    }

    func requestStarted() {
        counters.withLock { $0.inFlight += 1 }
    }

    func requestFinished() {
        counters.withLock { $0.inFlight -= 1 }
    }

    /// Returns false (and queues nothing) when shutdown already finished; the caller then completes at once.
    func beginShutdown(completion: @escaping @Sendable () -> Void) -> (first: Bool, alreadyDone: Bool) {
        counters.withLock { counters in
            if counters.finished { return (false, true) }
            counters.completions.append(completion)
            defer { counters.shuttingDown = true }
            return (!counters.shuttingDown, false)
        }
    }

    func listenerClosed() {
        let done = counters.withLock { counters -> [@Sendable () -> Void] in
            counters.listenerClosed = true
            return Self.takeCompletionsIfDone(&counters)
        }
        for completion in done { completion() }
    }

    private static func takeCompletionsIfDone(_ counters: inout Counters) -> [@Sendable () -> Void] {
        guard counters.shuttingDown, counters.listenerClosed, counters.open == 0, !counters.finished else { return [] }
        counters.finished = true
        defer { counters.completions = [] }
        return counters.completions
    }

    func record(_ record: RequestRecord) {
        onRequestCompleted?(record)
    }
}
