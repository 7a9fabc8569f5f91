import Testing
@testable import KotobaHTTP

/// The connection's decisions without sockets: feed events, check the actions.
@Suite struct ConnectionStateMachineTests {
    typealias Machine = ConnectionStateMachine
    typealias Action = ConnectionStateMachine.Action

    private let timeouts = HTTPServerConfiguration.Timeouts(header: 1, body: 2, idleKeepAlive: 3, write: 4)

    private func machine() -> Machine {
        var configuration = HTTPServerConfiguration()
        configuration.timeouts = timeouts
        var counter = 0
        return Machine(configuration: configuration, remoteAddress: "test",
                       routePattern: { _ in "/pattern" },
                       makeRequestID: { counter += 1; return "gen-\(counter)" })
    }

    private func feed(_ machine: inout Machine, _ text: String) -> [Action] {
        Array(text.utf8).withUnsafeBytes { machine.bytesReceived($0) }
    }

    /// A compact spelling of actions, so expectations read like the protocol.
    private func names(_ actions: [Action]) -> [String] {
        actions.map { action in
            switch action {
            case let .deadline(seconds): return "deadline(\(seconds.map { "\(Int($0))" } ?? "none"))"
            case let .dispatch(request, _, sequence): return "dispatch(\(request.path)#\(sequence))"
            case .finishedResponding: return "finished"
            case .sendContinue: return "continue"
            case let .sendResponse(response, options): return "send(\(response.status.code)\(options.close ? ",close" : ""))"
            case .pauseReading: return "pause"
            case .resumeReading: return "resume"
            case let .record(pending): return "record(\(pending.status))"
            case .clientGone: return "gone"
            case .shutdownWrite: return "fin"
            case .close: return "close"
            }
        }
    }

    @Test func requestIsDispatchedThenAnsweredThenIdle() {
        var m = machine()
        #expect(names(m.start()) == ["deadline(1)"])
        #expect(names(feed(&m, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n")) == ["deadline(none)", "dispatch(/a#1)"])
        #expect(names(m.replied(.text(.ok, "x"), sequence: 1, shuttingDown: false))
            == ["finished", "deadline(4)", "send(200)"])
        #expect(names(m.responseWritten()) == ["record(200)", "deadline(3)", "resume"])
        #expect(names(feed(&m, "G")) == ["deadline(1)"])
    }

    @Test func pipelinedRequestWaitsForThePreviousResponse() {
        var m = machine()
        let actions = feed(&m, "GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(names(actions) == ["deadline(none)", "dispatch(/a#1)"])
        _ = m.replied(.text(.ok, "a"), sequence: 1, shuttingDown: false)
        #expect(names(m.responseWritten())
            == ["record(200)", "deadline(3)", "resume", "deadline(1)", "deadline(none)", "dispatch(/b#2)"])
    }

    @Test func staleOrDuplicateRepliesAreIgnored() {
        var m = machine()
        _ = feed(&m, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(m.replied(.text(.ok, "x"), sequence: 7, shuttingDown: false).isEmpty)
        #expect(!m.replied(.text(.ok, "x"), sequence: 1, shuttingDown: false).isEmpty)
        #expect(m.replied(.text(.ok, "again"), sequence: 1, shuttingDown: false).isEmpty)
    }

    @Test func malformedRequestIsAnswered400ThenClosedWithLinger() {
        var m = machine()
        #expect(names(feed(&m, "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n")) == ["deadline(4)", "send(400,close)"])
        #expect(names(m.responseWritten()) == ["record(400)", "fin", "deadline(1)", "resume"])
        #expect(names(m.peerClosed(reset: false)) == ["close"])
    }

    @Test func headerDeadlineGives408OnlyWhenSomethingArrived() {
        var silent = machine()
        _ = silent.start()
        #expect(names(silent.deadlinePassed()) == ["close"])
        var partial = machine()
        _ = feed(&partial, "GET / HT")
        #expect(names(partial.deadlinePassed()) == ["deadline(4)", "send(408,close)"])
    }

    @Test func expectContinueIsSentOnlyWhenTheBodyHasNotArrived() {
        var waiting = machine()
        #expect(names(feed(&waiting, "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"))
            == ["deadline(2)", "continue"])
        var eager = machine()
        #expect(names(feed(&eager, "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi"))
            == ["deadline(2)", "deadline(none)", "dispatch(/#1)"])
    }

    @Test func clientLeavingWhileRespondingIsReported() {
        var m = machine()
        _ = feed(&m, "GET /slow HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(names(m.peerClosed(reset: false)) == ["gone", "pause"])
        #expect(names(m.replied(.text(.ok, "late"), sequence: 1, shuttingDown: false))
            == ["finished", "deadline(4)", "send(200,close)"])
        #expect(names(m.responseWritten()) == ["record(200)", "fin", "close"])
    }

    @Test func resetWhileRespondingClosesAndReleasesTheRequest() {
        var m = machine()
        _ = feed(&m, "GET /slow HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(names(m.peerClosed(reset: true)) == ["gone", "finished", "close"])
        #expect(m.isClosed)
    }

    @Test func drainClosesIdleAndLetsBusyFinishWithClose() {
        var idle = machine()
        _ = feed(&idle, "GET / HTTP/1.1\r\nHost: h\r\n\r\n")
        _ = idle.replied(.text(.ok, ""), sequence: 1, shuttingDown: false)
        _ = idle.responseWritten()
        #expect(names(idle.drain()) == ["close"])

        var busy = machine()
        _ = feed(&busy, "GET / HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(busy.drain().isEmpty)
        #expect(names(busy.replied(.text(.ok, ""), sequence: 1, shuttingDown: false))
            == ["finished", "deadline(4)", "send(200,close)"])
    }

    @Test func responderAskingForCloseIsHonoured() {
        var m = machine()
        _ = feed(&m, "GET / HTTP/1.1\r\nHost: h\r\n\r\n")
        let response = HTTPResponse(status: .ok, headers: ["Connection": "close"])
        #expect(names(m.replied(response, sequence: 1, shuttingDown: false)) == ["finished", "deadline(4)", "send(200,close)"])
    }
}
