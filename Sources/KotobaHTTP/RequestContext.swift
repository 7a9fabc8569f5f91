/// Per-request facts a handler may need while it works: identity, arrival time and whether the client left.
package final class RequestContext: Sendable {
    package let requestID: String
    package let receivedAt: ContinuousClock.Instant
    package let remoteAddress: String
    private let state = Locked(State())

    private struct State {
        var clientGone = false
        var onGone: [@Sendable () -> Void] = []
    }

    package init(requestID: String, receivedAt: ContinuousClock.Instant = .now, remoteAddress: String = "") {
        self.requestID = requestID
        self.receivedAt = receivedAt
        self.remoteAddress = remoteAddress
    }

    /// True once the peer closed or reset the connection while this request was pending.
    package var isClientGone: Bool {
        state.withLock { $0.clientGone }
    }

    /// Runs `handler` once when the client goes away (at once if it already has), so work can be cancelled.
    package func onClientGone(_ handler: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if state.clientGone { return true }
            state.onGone.append(handler)
            return false
        }
        if runNow { handler() }
    }

    func markClientGone() {
        let handlers = state.withLock { state -> [@Sendable () -> Void] in
            guard !state.clientGone else { return [] }
            state.clientGone = true
            defer { state.onGone = [] }
            return state.onGone
        }
        for handler in handlers { handler() }
    }
}
