import Testing
@testable import KotobaHTTP

/// RequestParser on byte arrays: no sockets involved.
@Suite struct ParserTests {
    private func events(_ text: String, limits: HTTPServerConfiguration.Limits = .init()) -> [RequestParser.Event] {
        var parser = RequestParser(limits: limits)
        var buffer = ByteBuffer(Array(text.utf8))
        var out: [RequestParser.Event] = []
        while true {
            let event = parser.next(&buffer)
            if case .needMoreData = event { return out }
            out.append(event)
            if case .error = event { return out }
        }
    }

    private func head(_ text: String) -> RequestHead? {
        for event in events(text) {
            if case let .head(head) = event { return head }
        }
        return nil
    }

    private func error(_ text: String, limits: HTTPServerConfiguration.Limits = .init()) -> HTTPParseError? {
        for event in events(text, limits: limits) {
            if case let .error(error) = event { return error }
        }
        return nil
    }

    @Test func parsesRequestLineHeadersAndQuery() throws {
        let parsed = try #require(head("GET /v1/models/x?top_k=5 HTTP/1.1\r\nHost: h\r\nX-Mixed-Case:  v a l  \r\n\r\n"))
        #expect(parsed.method == .get)
        #expect(parsed.path == "/v1/models/x")
        #expect(parsed.query == "top_k=5")
        #expect(parsed.version == .http1_1)
        #expect(parsed.headers["x-mixed-case"] == "v a l")
        #expect(parsed.headers["HOST"] == "h")
        #expect(parsed.keepAlive)
        #expect(parsed.framing == .none)
    }

    @Test func absoluteFormKeepsOnlyPathAndQuery() throws {
        let parsed = try #require(head("GET https://example.org:8080/a/b?c=d HTTP/1.1\r\nHost: example.org\r\n\r\n"))
        #expect(parsed.path == "/a/b")
        #expect(parsed.query == "c=d")
        #expect(parsed.target == "https://example.org:8080/a/b?c=d")
    }

    @Test func connectionTokensDecideKeepAlive() {
        #expect(head("GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, close\r\n\r\n")?.keepAlive == false)
        #expect(head("GET / HTTP/1.0\r\n\r\n")?.keepAlive == false)
        #expect(head("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")?.keepAlive == true)
    }

    @Test func expectContinueIsIgnoredFromHTTP10() {
        #expect(head("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n")?.expectsContinue == true)
        #expect(head("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n")?.expectsContinue == false)
    }

    @Test func pipelinedRequestsComeOutInOrderFromOneBuffer() {
        let all = events("GET /a HTTP/1.1\r\nHost: h\r\n\r\nPOST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nxyzGET /c HTTP/1.1\r\nHost: h\r\n\r\n")
        let paths: [String] = all.compactMap { if case let .head(head) = $0 { return head.path } else { return nil } }
        let bodies: [String] = all.compactMap { if case let .body(body, _) = $0 { return String(decoding: body, as: UTF8.self) } else { return nil } }
        #expect(paths == ["/a", "/b", "/c"])
        #expect(bodies == ["", "xyz", ""])
    }

    @Test func chunkedBodyAndTrailersAreDecoded() {
        let all = events("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n3\r\nabc\r\nA\r\n0123456789\r\n0\r\nX-T: 1\r\nX-U: 2\r\n\r\n")
        guard case let .body(body, trailers)? = all.last else {
            Issue.record("no body event: \(all)")
            return
        }
        #expect(String(decoding: body, as: UTF8.self) == "abc0123456789")
        #expect(trailers["x-t"] == "1")
        #expect(trailers["X-U"] == "2")
    }

    @Test func limitsProduceTheirErrors() {
        let limits = HTTPServerConfiguration.Limits(maxURILength: 10, maxHeaderBytes: 64, maxHeaderCount: 3, maxBodyBytes: 5)
        #expect(error("GET /0123456789a HTTP/1.1\r\nHost: h\r\n\r\n", limits: limits) == .uriTooLong(limit: 10))
        #expect(error("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits: limits) == .tooManyHeaders(limit: 3))
        #expect(error("GET / HTTP/1.1\r\nHost: h\r\nA: \(String(repeating: "x", count: 70))\r\n\r\n", limits: limits)
            == .headersTooLarge(limit: 64))
        #expect(error("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 6\r\n\r\n", limits: limits) == .bodyTooLarge(limit: 5))
        #expect(error("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\n", limits: limits)
            == .bodyTooLarge(limit: 5))
    }

    @Test func bodyLimitIsDecidedBeforeAnyBodyByteArrives() {
        // Only the head is buffered: the verdict cannot depend on reading the body.
        let limits = HTTPServerConfiguration.Limits(maxBodyBytes: 100)
        #expect(error("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n", limits: limits) == .bodyTooLarge(limit: 100))
    }

    /// Found by the request-parser fuzz target: a long line that also breaks a syntax rule was refused for
    /// its syntax when it arrived whole but for its length when it arrived in pieces.
    @Test(arguments: [0, 1, 7])
    func sizeLimitsDecideBeforeLineSyntaxHoweverTheBytesArrive(step: Int) {
        let limits = HTTPServerConfiguration.Limits(maxURILength: 16, maxHeaderBytes: 64)
        let longLine = "GET /\(String(repeating: "a", count: 60)) HTTP/9.9\r\nHost: h\r\n\r\n"
        #expect(Corpus.parse(Array(longLine.utf8), step: step, limits: limits) == .refused(status: 414))
        let longField = "GET / HTTP/1.1\r\nHost: h\r\nA: \(String(repeating: "x", count: 80))\n\r\n"
        #expect(Corpus.parse(Array(longField.utf8), step: step, limits: limits) == .refused(status: 431))
        let longTrailer = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
            + "T: \(String(repeating: "x", count: 80))\n\r\n"
        #expect(Corpus.parse(Array(longTrailer.utf8), step: step, limits: limits) == .refused(status: 431))
    }

    @Test func errorsMapToStatusAndErrorType() {
        #expect(HTTPParseError.uriTooLong(limit: 1).status.code == 414)
        #expect(HTTPParseError.headersTooLarge(limit: 1).status.code == 431)
        #expect(HTTPParseError.bodyTooLarge(limit: 1).errorType == "payload_too_large")
        #expect(HTTPParseError.unsupportedTransferCoding("gzip").status.code == 501)
        #expect(HTTPParseError.unsupportedVersion("2.0").status.code == 505)
        #expect(HTTPParseError.contentLengthWithTransferEncoding.status.code == 400)
        #expect(HTTPParseError.contentLengthWithTransferEncoding.errorType == "validation")
    }

    @Test func chunkSizeLineRules() throws {
        func size(_ line: String) -> Result<Int, HTTPParseError> {
            let bytes = Array(line.utf8)
            return bytes.withUnsafeBufferPointer { ChunkedBodyDecoder.parseSizeLine($0) }
        }
        #expect(try size("1a").get() == 26)
        #expect(try size("FF ; name=\"quoted value\"").get() == 255)
        #expect(throws: HTTPParseError.chunkSizeOverflow) { try size("10000000000000000").get() }
        #expect(throws: HTTPParseError.invalidChunkSize) { try size("").get() }
        #expect(throws: HTTPParseError.invalidChunkSize) { try size("1 2").get() }
    }
}
