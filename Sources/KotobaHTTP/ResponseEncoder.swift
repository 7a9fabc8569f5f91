/// Serialises a response head and body into one buffer so each response is a single send().
enum ResponseEncoder {
    /// Fields the server writes itself; a responder's copies are dropped rather than duplicated.
    private static let serverOwned = ["content-length", "transfer-encoding", "connection", "date", "x-request-id",
                                      "keep-alive"]

    private static func isServerOwned(_ name: String) -> Bool {
        serverOwned.contains { HTTPHeaders.namesEqual($0, name) }
    }

    /// - Parameters:
    ///   - omitBody: true for HEAD: same headers, Content-Length of the body that would have been sent.
    ///   - keepAliveHeader: true for HTTP/1.0 clients that asked to keep the connection.
    static func encode(_ response: HTTPResponse, requestID: String, close: Bool, omitBody: Bool,
                       keepAliveHeader: Bool, date: inout DateCache) -> [UInt8] {
        // A final response needs a three-digit status of at least 200; anything else a responder builds
        // would desynchronise the client, so it goes out as 500.
        let status = (200...999).contains(response.status.code) ? response.status : .internalServerError
        let code = status.code
        // RFC 9110 §8.6: no Content-Length (and no body) on 204 and 304.
        let bodyless = code == 204 || code == 304
        let sendsBody = !omitBody && !bodyless
        var out: [UInt8] = []
        out.reserveCapacity(192 + response.headers.count * 48 + (sendsBody ? response.body.count : 0))
        out.append(contentsOf: "HTTP/1.1 ".utf8)
        appendDecimal(code, to: &out)
        out.append(ASCII.space)
        for byte in status.reason.utf8 {
            out.append(ASCII.isFieldValue(byte) ? byte : ASCII.space)
        }
        out.append(contentsOf: [ASCII.cr, ASCII.lf])
        var hasContentType = false
        for (name, value) in response.headers {
            if isServerOwned(name) { continue }
            if !hasContentType && HTTPHeaders.namesEqual(name, "content-type") { hasContentType = true }
            appendField(name, value, to: &out)
        }
        if !hasContentType && !bodyless {
            out.append(contentsOf: response.body.isEmpty ? defaultEmptyContentType : defaultContentType)
        }
        date.append(to: &out)
        if !bodyless {
            out.append(contentsOf: "Content-Length: ".utf8)
            appendDecimal(response.body.count, to: &out)
            out.append(contentsOf: [ASCII.cr, ASCII.lf])
        }
        out.append(contentsOf: "X-Request-ID: ".utf8)
        out.append(contentsOf: requestID.utf8)
        out.append(contentsOf: [ASCII.cr, ASCII.lf])
        if close {
            out.append(contentsOf: "Connection: close\r\n".utf8)
        } else if keepAliveHeader {
            out.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        out.append(contentsOf: [ASCII.cr, ASCII.lf])
        if sendsBody {
            out.append(contentsOf: response.body)
        }
        return out
    }

    private static let defaultContentType = Array("Content-Type: application/octet-stream\r\n".utf8)
    private static let defaultEmptyContentType = Array("Content-Type: text/plain; charset=utf-8\r\n".utf8)

    /// Non-negative integers without going through String.
    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        precondition(value >= 0, "negative length or status")
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(truncatingIfNeeded: rest % 10) + 0x30
                rest /= 10
                count += 1
            } while rest > 0
            out.append(contentsOf: buffer[(20 - count)...])
        }
    }

    /// "100 Continue" interim response (RFC 9110 §15.2.1).
    static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// A responder's header reaches the wire only with safe bytes: CR, LF and NUL would split the response.
    private static func appendField(_ name: String, _ value: String, to out: inout [UInt8]) {
        guard !name.isEmpty, name.utf8.allSatisfy(ASCII.isToken) else { return }
        out.append(contentsOf: name.utf8)
        out.append(contentsOf: [ASCII.colon, ASCII.space])
        for byte in value.utf8 {
            out.append(ASCII.isFieldValue(byte) ? byte : ASCII.space)
        }
        out.append(contentsOf: [ASCII.cr, ASCII.lf])
    }
}
