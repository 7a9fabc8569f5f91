import Foundation
import Testing
@testable import KotobaHTTP

@Suite struct EnvelopeTests {
    @Test func errorEnvelopeEscapesAndParsesAsJSON() throws {
        let body = HTTPErrorBody.make(message: "bad \"quote\" \\ and\nnewline \u{1}", type: "validation", requestID: "r-1")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: String])
        #expect(object == ["error": "bad \"quote\" \\ and\nnewline \u{1}", "error_type": "validation", "request_id": "r-1"])
    }

    @Test func headersAreCaseInsensitiveAndOrdered() {
        var headers: HTTPHeaders = ["Accept": "a", "X-Multi": "1"]
        headers.add(name: "x-multi", value: "2")
        #expect(headers["ACCEPT"] == "a")
        #expect(headers.values(for: "X-MULTI") == ["1", "2"])
        headers.replaceOrAdd(name: "X-Multi", value: "3")
        #expect(headers.values(for: "x-multi") == ["3"])
        headers.remove(name: "accept")
        #expect(headers["Accept"] == nil)
        #expect(headers.map(\.name) == ["X-Multi"])
    }

    @Test func requestIDsAreCheckedAndGenerated() {
        #expect(RequestID.isAcceptable("abc-123_x.y:z"))
        #expect(!RequestID.isAcceptable(""))
        #expect(!RequestID.isAcceptable("has space"))
        #expect(!RequestID.isAcceptable(String(repeating: "a", count: 129)))
        let generated = RequestID.generate()
        #expect(generated.count == 32 && RequestID.isAcceptable(generated))
        #expect(generated != RequestID.generate())
    }

    @Test func dateHeaderIsIMFFixdate() {
        #expect(String(decoding: DateCache.format(784111777), as: UTF8.self) == "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n")
    }

    @Test func decimalsAreWrittenWithoutStrings() {
        for value in [0, 7, 10, 404, 123_456_789, Int.max] {
            var out: [UInt8] = []
            ResponseEncoder.appendDecimal(value, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == String(value))
        }
    }
}

@Suite struct ResponseEncoderTests {
    private func encode(_ response: HTTPResponse, close: Bool = false, head: Bool = false) -> String {
        var date = DateCache()
        return String(decoding: ResponseEncoder.encode(response, requestID: "rid", close: close, omitBody: head,
                                                       keepAliveHeader: false, date: &date), as: UTF8.self)
    }

    @Test func invalidOrInterimStatusFromAResponderGoesOutAs500() {
        #expect(encode(HTTPResponse(status: HTTPStatus(code: -3, reason: "x"))).hasPrefix("HTTP/1.1 500 Internal Server Error\r\n"))
        #expect(encode(HTTPResponse(status: .continue)).hasPrefix("HTTP/1.1 500 "))
        #expect(encode(HTTPResponse(status: HTTPStatus(code: 1000, reason: "x"))).hasPrefix("HTTP/1.1 500 "))
    }

    @Test func reasonPhraseCannotInjectHeaders() {
        let text = encode(HTTPResponse(status: HTTPStatus(code: 200, reason: "OK\r\nSet-Cookie: a=b")))
        #expect(text.hasPrefix("HTTP/1.1 200 OK  Set-Cookie: a=b\r\n"))
    }

    @Test func noContentHasNoLengthOrBody() {
        let text = encode(HTTPResponse(status: .noContent, body: Array("dropped".utf8)))
        #expect(!text.contains("Content-Length"))
        #expect(text.hasSuffix("\r\n\r\n"))
    }

    @Test func headKeepsLengthAndDropsBodyAndCloseIsAnnounced() {
        let text = encode(.text(.ok, "hello"), close: true, head: true)
        #expect(text.contains("Content-Length: 5\r\n"))
        #expect(text.contains("Connection: close\r\n"))
        #expect(text.hasSuffix("\r\n\r\n"))
    }
}
