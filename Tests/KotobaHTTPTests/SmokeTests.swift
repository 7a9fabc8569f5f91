import Testing
@testable import KotobaHTTP

@Suite struct SmokeTests {
    @Test func answersAGetOverLoopback() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        client.send("GET /hello?x=1 HTTP/1.1\r\nHost: a\r\nX-Request-ID: abc-123\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.bodyText == "GET /hello?x=1 body=")
        #expect(response.header("X-Request-ID") == "abc-123")
        #expect(response.header("Date") != nil)
        #expect(response.header("Content-Type") == "text/plain; charset=utf-8")
        client.send("POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc")
        let second = try client.readResponse()
        #expect(second.bodyText == "POST /p body=abc")
        #expect(second.header("X-Request-ID")?.count == 32)
        server.stop()
    }
}
