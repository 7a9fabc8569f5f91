import Foundation
import Testing
@testable import KotobaHTTP

/// Keep-alive, pipelining, bodies, 100-continue, HEAD and HTTP/1.0 over loopback.
@Suite struct ConnectionBehaviourTests {
    @Test func keepsConnectionAliveAcrossRequests() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        for index in 0..<5 {
            client.send("GET /n\(index) HTTP/1.1\r\nHost: a\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.bodyText == "GET /n\(index) body=")
            #expect(response.header("Connection") == nil)
        }
        #expect(server.server.openConnectionCount == 1)
    }

    @Test func honoursConnectionClose() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        client.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.header("Connection") == "close")
        #expect(client.isClosedByPeer())
    }

    @Test func answersPipelinedRequestsInOrderEvenWhenTheFirstIsSlowest() throws {
        let responder = ClosureResponder { request, _, reply in
            let delay = request.path == "/slow" ? 0.2 : 0
            DispatchQueue.global().asyncAfter(deadline: .now() + delay) { reply(.text(.ok, request.path)) }
        }
        let server = try TestServer(responder: responder)
        let client = try RawClient(port: server.port)
        client.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\nPOST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nxGET /c HTTP/1.1\r\nHost: a\r\n\r\n")
        let paths = try (0..<3).map { _ in try client.readResponse().bodyText }
        #expect(paths == ["/slow", "/b", "/c"])
    }

    @Test func decodesChunkedBodyWithTrailers() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        client.send("POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n")
        usleep(50_000)
        client.send("5;ext=1\r\npedia\r\n0\r\nX-Sum: 42\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.bodyText == "POST /c body=Wikipedia trailer:X-Sum=42")
    }

    @Test func sendsContinueThenReadsBody() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        client.send("POST /u HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
        let interim = try client.readResponse()
        #expect(interim.status == 100)
        client.send("data")
        let final = try client.readResponse()
        #expect(final.status == 200)
        #expect(final.bodyText == "POST /u body=data")
    }

    @Test func refusesOversizedExpectContinueWithoutAskingForTheBody() throws {
        let server = try TestServer { $0.limits.maxBodyBytes = 1000 }
        let client = try RawClient(port: server.port)
        client.send("POST /u HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 413)
        #expect(response.header("Connection") == "close")
        #expect(response.bodyText.contains(#""error_type":"payload_too_large""#))
        #expect(client.isClosedByPeer())
    }

    @Test func refusesBodyOverLimitFromContentLengthBeforeReadingIt() throws {
        let server = try TestServer { $0.limits.maxBodyBytes = 10 }
        let client = try RawClient(port: server.port)
        client.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n")
        #expect(try client.readResponse().status == 413)
        let chunked = try RawClient(port: server.port)
        chunked.send("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n")
        #expect(try chunked.readResponse().status == 413)
        let exact = try RawClient(port: server.port)
        exact.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789")
        #expect(try exact.readResponse().status == 200)
    }

    @Test func headGetsGetHeadersWithoutBody() throws {
        var router = Router()
        router.register(.get, "/doc") { _, _, _, reply in reply(.text(.ok, "twelve bytes")) }
        let server = try TestServer(responder: router)
        let client = try RawClient(port: server.port)
        client.send("HEAD /doc HTTP/1.1\r\nHost: a\r\n\r\nGET /doc HTTP/1.1\r\nHost: a\r\n\r\n")
        let head = try client.readResponse(isHead: true)
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == "12")
        #expect(head.body.isEmpty)
        let get = try client.readResponse()
        #expect(get.bodyText == "twelve bytes")
    }

    @Test func serverErrorToHeadHasNoBody() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        client.send("HEAD / HTTP/1.1\r\nBad Header: x\r\n\r\n")
        let response = try client.readResponse(isHead: true)
        #expect(response.status == 400)
        #expect(Int(response.header("Content-Length") ?? "0") ?? 0 > 0)
        #expect(client.isClosedByPeer(), "a body was sent after the HEAD response head")
    }

    @Test func http10ClosesByDefaultAndKeepsAliveWhenAsked() throws {
        let server = try TestServer()
        let plain = try RawClient(port: server.port)
        plain.send("GET / HTTP/1.0\r\n\r\n")
        let first = try plain.readResponse()
        #expect(first.status == 200)
        #expect(first.header("Connection") == "close")
        #expect(plain.isClosedByPeer())

        let kept = try RawClient(port: server.port)
        kept.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        let response = try kept.readResponse()
        #expect(response.header("Connection") == "keep-alive")
        kept.send("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(try kept.readResponse().bodyText == "GET /b body=")
    }

    @Test func everyResponseCarriesTheStandardHeaders() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        let tooLong = String(repeating: "x", count: 200)
        client.send("GET / HTTP/1.1\r\nHost: a\r\nX-Request-ID: \(tooLong)\r\n\r\n")
        let response = try client.readResponse()
        for name in ["Date", "Content-Length", "Content-Type", "X-Request-ID"] {
            #expect(response.header(name) != nil, "missing \(name)")
        }
        #expect(response.header("X-Request-ID") != tooLong)
        #expect(response.header("Date")?.hasSuffix(" GMT") == true)
        client.send("GET / HTTP/1.1\r\nHost: a\r\nX-Request-ID: bad id\r\n\r\n")
        #expect(try client.readResponse().header("X-Request-ID")?.count == 32)
    }

    @Test func responderHeadersCannotSplitTheResponse() throws {
        let responder = ClosureResponder { _, _, reply in
            reply(HTTPResponse(status: .ok, headers: ["X-Evil": "a\r\nSet-Cookie: x=1", "Content-Length": "999"],
                               body: Array("ok".utf8)))
        }
        let server = try TestServer(responder: responder)
        let client = try RawClient(port: server.port)
        client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.header("Set-Cookie") == nil)
        #expect(response.header("Content-Length") == "2")
        #expect(response.bodyText == "ok")
    }

    @Test func recordsEveryAnsweredRequestWithRoutePattern() throws {
        var router = Router()
        router.register(.get, "/v1/models/{name}") { _, _, _, reply in reply(.text(.ok, "m")) }
        let server = try TestServer(responder: router)
        let client = try RawClient(port: server.port)
        client.send("GET /v1/models/bert HTTP/1.1\r\nHost: a\r\n\r\nGET /zzz HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/9.9\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        #expect(try client.readResponse().status == 404)
        #expect(try client.readResponse().status == 505)
        #expect(eventually(within: 2) { server.records.all.count == 3 })
        let records = server.records.all
        #expect(records.map(\.status) == [200, 404, 505])
        #expect(records[0].route == "/v1/models/{name}")
        #expect(records[0].path == "/v1/models/bert")
        #expect(records[1].route == nil)
        #expect(records[0].responseBytes > 0 && records[0].requestBytes == 41)
        #expect(records[0].remoteAddress.hasPrefix("127.0.0.1:"))
        #expect(records[2].method.rawValue == "GET" && records[2].path == "/")
    }
}
