/// Parses a complete head (request line + field lines, CRLF-terminated) and decides the body framing.
enum HeadParser {
    struct Parsed {
        var result: Result<RequestHead, HTTPParseError>
        var method: HTTPMethod?
        var path: String?
    }

    /// Facts gathered from the fields that decide framing and connection handling.
    private struct FieldFacts {
        var contentLength: Int?
        var sawContentLength = false
        var transferCodings: [String] = []
        var sawTransferEncoding = false
        var hostCount = 0
        var close = false
        var keepAlive = false
        var expect: String?
        var requestID: String?
        var contentEncodings: [String] = []
    }

    /// `head` ends with the empty line; `requestLineEnd` is the index of the request line's LF.
    static func parse(_ head: UnsafeBufferPointer<UInt8>, requestLineEnd: Int?,
                      limits: HTTPServerConfiguration.Limits) -> Parsed {
        guard let lineEnd = requestLineEnd else { return Parsed(result: .failure(.malformedRequestLine)) }
        let requestLine: RequestLine
        let lineBytes = UnsafeBufferPointer(rebasing: head[..<(lineEnd - 1)])
        switch RequestLine.parse(lineBytes, limits: limits) {
        case let .failure(error):
            let (method, path) = RequestLine.bestEffortMethodAndPath(lineBytes, limits: limits)
            return Parsed(result: .failure(error), method: method, path: path)
        case let .success(line): requestLine = line
        }
        var parsed = Parsed(result: .failure(.malformedRequestLine), method: requestLine.method, path: requestLine.path)

        var headers = HTTPHeaders()
        var facts = FieldFacts()
        var lineStart = lineEnd + 1
        while lineStart < head.count - 2 {
            var lf = lineStart
            while head[lf] != ASCII.lf { lf += 1 }
            let line = UnsafeBufferPointer(rebasing: head[lineStart..<(lf - 1)])
            if let error = parseField(line, into: &headers, facts: &facts) {
                parsed.result = .failure(error)
                return parsed
            }
            lineStart = lf + 1
        }
        parsed.result = makeHead(requestLine, headers: headers, facts: facts, byteCount: head.count, limits: limits)
        return parsed
    }

    private static func parseField(_ line: UnsafeBufferPointer<UInt8>, into headers: inout HTTPHeaders,
                                   facts: inout FieldFacts) -> HTTPParseError? {
        // RFC 9112 §5.2: a server MUST reject obs-fold with 400 (or unfold); we reject.
        if ASCII.isWhitespace(line[0]) { return .obsoleteLineFolding }
        guard let colon = line.firstIndex(of: ASCII.colon), colon > 0 else { return .invalidHeaderName }
        let name = UnsafeBufferPointer(rebasing: line[..<colon])
        // Whitespace between name and colon is a smuggling vector (RFC 9112 §5.1): it fails the token check.
        guard name.allSatisfy(ASCII.isToken) else { return .invalidHeaderName }
        var start = colon + 1
        var end = line.count
        while start < end, ASCII.isWhitespace(line[start]) { start += 1 }
        while end > start, ASCII.isWhitespace(line[end - 1]) { end -= 1 }
        let value = UnsafeBufferPointer(rebasing: line[start..<end])
        let nameString = String(decoding: name, as: UTF8.self)
        guard value.allSatisfy(ASCII.isFieldValue) else { return .invalidHeaderValue(name: nameString) }
        let valueString = String(decoding: value, as: UTF8.self)
        headers.add(name: nameString, value: valueString)
        return noteSpecialField(name, value, valueString, facts: &facts)
    }

    private static func noteSpecialField(_ name: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>,
                                         _ valueString: String, facts: inout FieldFacts) -> HTTPParseError? {
        switch name.count {
        case 4 where ASCII.equalsLowercased(name, "host"):
            facts.hostCount += 1
        case 6 where ASCII.equalsLowercased(name, "expect"):
            facts.expect = valueString
        case 10 where ASCII.equalsLowercased(name, "connection"):
            for token in FieldList.elements(valueString) {
                if HTTPHeaders.namesEqual(token, "close") { facts.close = true }
                if HTTPHeaders.namesEqual(token, "keep-alive") { facts.keepAlive = true }
            }
        case 12 where ASCII.equalsLowercased(name, "x-request-id"):
            if facts.requestID == nil, RequestID.isAcceptable(value) { facts.requestID = valueString }
        case 16 where ASCII.equalsLowercased(name, "content-encoding"):
            facts.contentEncodings.append(valueString)
        case 14 where ASCII.equalsLowercased(name, "content-length"):
            facts.sawContentLength = true
            for element in FieldList.rawElements(valueString) {
                guard let length = ContentLength.parse(element) else { return .invalidContentLength }
                if let previous = facts.contentLength, previous != length { return .conflictingContentLength }
                facts.contentLength = length
            }
            if facts.contentLength == nil { return .invalidContentLength }
        case 17 where ASCII.equalsLowercased(name, "transfer-encoding"):
            facts.sawTransferEncoding = true
            for coding in FieldList.elements(valueString) {
                // Parameters (";q=…") are not allowed on chunked; keep the whole element to compare.
                guard coding.utf8.allSatisfy({ ASCII.isToken($0) || $0 == ASCII.semicolon || $0 == 0x3D
                    || ASCII.isWhitespace($0) }) else { return .invalidHeaderValue(name: "Transfer-Encoding") }
                facts.transferCodings.append(coding.lowercased())
            }
        default:
            break
        }
        return nil
    }

    private static func makeHead(_ line: RequestLine, headers: HTTPHeaders, facts: FieldFacts, byteCount: Int,
                                 limits: HTTPServerConfiguration.Limits) -> Result<RequestHead, HTTPParseError> {
        let isHTTP11 = line.version == .http1_1
        if facts.hostCount > 1 { return .failure(.duplicateHost) }
        if isHTTP11 && facts.hostCount == 0 { return .failure(.missingHost) }

        let framing: BodyFraming
        if facts.sawTransferEncoding {
            // RFC 9112 §6.1: TE with CL is a smuggling attempt; TE in 1.0 is faulty framing. Both: 400 + close.
            if facts.sawContentLength { return .failure(.contentLengthWithTransferEncoding) }
            if !isHTTP11 { return .failure(.transferEncodingInHTTP10) }
            let codings = facts.transferCodings
            if codings.isEmpty { return .failure(.invalidHeaderValue(name: "Transfer-Encoding")) }
            let chunkedCount = codings.filter { $0 == "chunked" }.count
            if chunkedCount > 1 || (chunkedCount == 1 && codings.last != "chunked") { return .failure(.chunkedNotFinal) }
            if let unknown = codings.first(where: { $0 != "chunked" }) { return .failure(.unsupportedTransferCoding(unknown)) }
            framing = .chunked
        } else if let length = facts.contentLength {
            // Decided here, before any body byte is read, so an oversized upload is refused without reading it.
            if length > limits.maxBodyBytes { return .failure(.bodyTooLarge(limit: limits.maxBodyBytes)) }
            framing = .length(length)
        } else {
            framing = .none
        }

        var expectsContinue = false
        if let expect = facts.expect {
            guard HTTPHeaders.namesEqual(expect, "100-continue") else { return .failure(.unsupportedExpectation(expect)) }
            // RFC 9110 §10.1.1: a server MUST ignore 100-continue from an HTTP/1.0 client.
            expectsContinue = isHTTP11
        }
        let encoding = facts.contentEncodings.joined(separator: ", ")
        guard let coding = ContentCoding.parse(encoding) else { return .failure(.unsupportedContentEncoding(encoding)) }
        var headers = headers
        // The responder sees the body inflated, so the header that described the wire form goes.
        if coding != .identity { headers.remove(name: "Content-Encoding") }
        let keepAlive = !facts.close && (isHTTP11 || facts.keepAlive)
        return .success(RequestHead(method: line.method, target: line.target, path: line.path, query: line.query,
                                    version: line.version, headers: headers, framing: framing, keepAlive: keepAlive,
                                    expectsContinue: expectsContinue, clientRequestID: facts.requestID,
                                    byteCount: byteCount, contentCoding: coding))
    }
}

/// Comma-separated field values (RFC 9110 §5.6.1).
enum FieldList {
    /// Trimmed, non-empty elements; empty elements are ignored as the RFC requires.
    static func elements(_ value: String) -> [String] {
        value.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingOWS() }
            .filter { !$0.isEmpty }
    }

    /// Trimmed elements, keeping empty ones so "5," can be refused.
    static func rawElements(_ value: String) -> [String] {
        value.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingOWS() }
    }
}

/// Content-Length = 1*DIGIT: no sign, no spaces inside, no hex (RFC 9110 §8.6).
enum ContentLength {
    /// nil when not a decimal number; values past 18 digits saturate so they fail the body limit with 413.
    static func parse(_ text: String) -> Int? {
        let digits = text.utf8
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        guard digits.count <= 18 else { return Int.max }
        return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }
}

extension Substring {
    /// Drops optional whitespace (SP / HTAB) at both ends.
    func trimmingOWS() -> String {
        let isTrimmed: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isTrimmed($0) }) else { return "" }
        let last = lastIndex(where: { !isTrimmed($0) }) ?? first
        return String(self[first...last])
    }
}
