@testable import KotobaHTTP

/// The connection state machine driven as the event loop drives it: bytes arrive in pieces, every request
/// is answered at once, each response is written, then the peer half-closes and deadlines pass.
///
/// Rules: a `.sendResponse` is the last action of its list; a request is dispatched only when none is
/// pending; the connection always ends closed; and the exchange (requests dispatched, responses sent, the
/// close) is the same whether the bytes arrive whole or cut into pieces.
enum ConnectionTarget {
    static let target = FuzzTarget(
        name: "connection",
        summary: "ConnectionStateMachine fed whole and split: ordered actions, always closes, split-independent"
    ) { bytes throws(InvariantFailure) in
        let whole = try transcript(bytes, pieces: [0..<bytes.count])
        var splits = ByteSplits(bytes, salt: 1)
        let split = try transcript(bytes, pieces: splits.pieces(count: bytes.count))
        try expect(whole == split, "exchange differs when split:\n whole: \(whole)\n split: \(split)")
    }

    /// What the client would observe: dispatched requests, responses and the close, in order.
    static func transcript(_ bytes: [UInt8], pieces: [Range<Int>]) throws(InvariantFailure) -> [String] {
        var driver = Driver()
        try driver.perform(driver.machine.start())
        for piece in pieces where !driver.machine.isClosed {
            let chunk = Array(bytes[piece])
            let actions = chunk.withUnsafeBytes { driver.machine.bytesReceived($0) }
            try driver.perform(actions)
        }
        try driver.perform(driver.machine.peerClosed(reset: false))
        // Each deadline moves the connection one state towards closed; a few suffice.
        var deadlines = 0
        while !driver.machine.isClosed && deadlines < 8 {
            deadlines += 1
            try driver.perform(driver.machine.deadlinePassed())
        }
        try expect(driver.machine.isClosed, "still open after the peer left and \(deadlines) deadlines")
        return driver.log
    }

    /// Performs actions as the event loop would, answering every request with 200 at once.
    struct Driver {
        var machine: ConnectionStateMachine
        var log: [String] = []
        private var pending: UInt64?

        init() {
            let configuration = HTTPServerConfiguration(limits: RequestParserTarget.limits)
            var next = 0
            machine = ConnectionStateMachine(configuration: configuration, remoteAddress: "fuzz",
                                             routePattern: { _ in nil },
                                             makeRequestID: { next += 1; return "id-\(next)" })
        }

        mutating func perform(_ actions: [ConnectionStateMachine.Action]) throws(InvariantFailure) {
            var queue = actions[...]
            var rounds = 0
            while !queue.isEmpty {
                rounds += 1
                try expect(rounds < 10_000, "actions keep coming: \(log.suffix(8))")
                let action = queue.removeFirst()
                switch action {
                case let .dispatch(request, _, sequence):
                    try expect(pending == nil, "dispatched while request \(pending ?? 0) is pending")
                    pending = sequence
                    log.append("dispatch \(request.method) \(request.target) \(request.body.count) "
                               + "\(RequestParserTarget.checksum(request.body))")
                    queue.append(contentsOf: machine.replied(HTTPResponse(status: .ok), sequence: sequence,
                                                             shuttingDown: false))
                case .finishedResponding:
                    pending = nil
                case let .sendResponse(response, options):
                    try expect(queue.isEmpty, "actions after .sendResponse: \(Array(queue))")
                    log.append("response \(response.status.code) close=\(options.close)")
                    queue.append(contentsOf: machine.responseWritten())
                case .close:
                    log.append("close")
                case .deadline, .sendContinue, .pauseReading, .resumeReading, .record, .clientGone, .shutdownWrite:
                    break
                }
            }
        }
    }
}
