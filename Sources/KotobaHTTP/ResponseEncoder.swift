/// Serialises a response head and body into one buffer so each response is a single send().
enum ResponseEncoder {
    /// Fields the server writes itself; a responder's copies are dropped rather than duplicated.
    private static let serverOwned: Set<String> = ["content-length", "transfer-encoding", "connection", "date",
                                                    "x-request-id", "keep-alive"]

    /// - Parameters:
    ///   - omitBody: true for HEAD: same headers, Content-Length of the body that would have been sent.
    ///   - keepAliveHeader: true for HTTP/1.0 clients that asked to keep the connection.
    static func encode(_ response: HTTPResponse, requestID: String, close: Bool, omitBody: Bool,
                       keepAliveHeader: Bool, date: inout DateCache) -> [UInt8] {
        let code = response.status.code
        // RFC 9110 §8.6: no Content-Length (and no body) on 1xx and 204.
        let bodyless = code < 200 || code == 204 || code == 304
        var out: [UInt8] = []
        out.reserveCapacity(192 + response.headers.count * 48 + (omitBody || bodyless ? 0 : response.body.count))
        out.append(contentsOf: "HTTP/1.1 \(code) \(response.status.reason)\r\n".utf8)
        var hasContentType = false
        for (name, value) in response.headers {
            if serverOwned.contains(name.lowercased()) { continue }
            if !hasContentType && HTTPHeaders.namesEqual(name, "content-type") { hasContentType = true }
            appendField(name, value, to: &out)
        }
        if !hasContentType && !bodyless {
            out.append(contentsOf: "Content-Type: \(response.body.isEmpty ? "text/plain; charset=utf-8" : "application/octet-stream")\r\n".utf8)
        }
        date.append(to: &out)
        if !bodyless {
            out.append(contentsOf: "Content-Length: \(response.body.count)\r\n".utf8)
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
        if !omitBody && !bodyless {
            out.append(contentsOf: response.body)
        }
        return out
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
