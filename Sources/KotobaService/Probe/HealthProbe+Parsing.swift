extension HealthProbe {
    /// Splits a complete response into status, headers and body. The body is everything after the head,
    /// cut to `Content-Length` when present, or de-chunked when the server chose chunked encoding.
    static func parse(_ raw: [UInt8]) throws(Failure) -> Response {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let headEnd = raw.indices.dropLast(3).first(where: { raw[$0..<$0 + 4].elementsEqual(separator) }) else {
            throw .malformedResponse("no end of head in \(raw.count) bytes")
        }
        let head = String(decoding: raw[..<headEnd], as: UTF8.self)
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw .malformedResponse("status line \"\(statusLine)\"")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw .malformedResponse("header line \"\(line)\"") }
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingSpaces))
        }
        var response = Response(status: status, headers: headers, body: Array(raw[(headEnd + 4)...]))
        if response.header("transfer-encoding")?.lowercased() == "chunked" {
            response.body = try dechunk(response.body)
        } else if let length = response.header("content-length").flatMap(Int.init) {
            guard response.body.count >= length else {
                throw .malformedResponse("body has \(response.body.count) of \(length) bytes")
            }
            response.body = Array(response.body.prefix(length))
        }
        return response
    }

    /// RFC 9112 section 7.1: hex size line, data, CRLF, until a zero size.
    private static func dechunk(_ bytes: [UInt8]) throws(Failure) -> [UInt8] {
        var body: [UInt8] = []
        var index = 0
        while true {
            guard let lineEnd = bytes[index...].indices.dropLast().first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }) else {
                throw .malformedResponse("chunk size line not terminated")
            }
            let sizeText = String(decoding: bytes[index..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingSpaces, radix: 16), size >= 0 else {
                throw .malformedResponse("chunk size \"\(sizeText)\"")
            }
            index = lineEnd + 2
            if size == 0 { return body }
            guard index + size <= bytes.count else { throw .malformedResponse("chunk shorter than \(size) bytes") }
            body += bytes[index..<index + size]
            index += size + 2
        }
    }
}

extension StringProtocol {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
