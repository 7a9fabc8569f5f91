/// request-line = method SP request-target SP HTTP-version (RFC 9112 §3).
struct RequestLine {
    var method: HTTPMethod
    var target: String
    var path: String
    var query: String?
    var version: HTTPVersion

    static func parse(_ line: UnsafeBufferPointer<UInt8>,
                      limits: HTTPServerConfiguration.Limits) -> Result<RequestLine, HTTPParseError> {
        guard let firstSpace = line.firstIndex(of: ASCII.space), firstSpace > 0 else { return .failure(.malformedRequestLine) }
        let methodBytes = UnsafeBufferPointer(rebasing: line[..<firstSpace])
        guard methodBytes.allSatisfy(ASCII.isToken) else { return .failure(.invalidMethod) }
        let targetStart = firstSpace + 1
        var targetEnd = targetStart
        while targetEnd < line.count, line[targetEnd] != ASCII.space { targetEnd += 1 }
        // 414 before anything else about the target: a long target is refused whatever it contains.
        if targetEnd - targetStart > limits.maxURILength { return .failure(.uriTooLong(limit: limits.maxURILength)) }
        guard targetEnd > targetStart, targetEnd < line.count else { return .failure(.malformedRequestLine) }
        let targetBytes = UnsafeBufferPointer(rebasing: line[targetStart..<targetEnd])
        let versionBytes = UnsafeBufferPointer(rebasing: line[(targetEnd + 1)...])

        let version: HTTPVersion
        switch parseVersion(versionBytes) {
        case let .failure(error): return .failure(error)
        case let .success(parsed): version = parsed
        }
        guard targetBytes.allSatisfy(ASCII.isTarget) else { return .failure(.invalidTarget) }
        let method = HTTPMethod.parse(methodBytes)
        let target = String(decoding: targetBytes, as: UTF8.self)
        guard isAcceptableForm(targetBytes, method: method) else { return .failure(.invalidTarget) }
        let (path, query) = RequestTarget.split(target)
        return .success(RequestLine(method: method, target: target, path: path, query: query, version: version))
    }

    /// Method and path of a refused request line, when they are well-formed, so its record can name them.
    static func bestEffortMethodAndPath(_ line: UnsafeBufferPointer<UInt8>,
                                        limits: HTTPServerConfiguration.Limits) -> (HTTPMethod?, String?) {
        guard let firstSpace = line.firstIndex(of: ASCII.space), firstSpace > 0 else { return (nil, nil) }
        let methodBytes = UnsafeBufferPointer(rebasing: line[..<firstSpace])
        guard methodBytes.allSatisfy(ASCII.isToken) else { return (nil, nil) }
        let method = HTTPMethod.parse(methodBytes)
        var targetEnd = firstSpace + 1
        while targetEnd < line.count, line[targetEnd] != ASCII.space { targetEnd += 1 }
        let target = UnsafeBufferPointer(rebasing: line[(firstSpace + 1)..<targetEnd])
        guard !target.isEmpty, target.count <= limits.maxURILength, target.allSatisfy(ASCII.isTarget) else {
            return (method, nil)
        }
        return (method, RequestTarget.split(String(decoding: target, as: UTF8.self)).path)
    }

    /// HTTP-version = "HTTP" "/" DIGIT "." DIGIT, case-sensitive. Major 1 only; a higher 1.x minor is served
    /// as 1.1, as RFC 9110 §6.2 asks of a 1.1 server.
    private static func parseVersion(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<HTTPVersion, HTTPParseError> {
        guard bytes.count == 8, bytes[0] == UInt8(ascii: "H"), bytes[1] == UInt8(ascii: "T"),
              bytes[2] == UInt8(ascii: "T"), bytes[3] == UInt8(ascii: "P"), bytes[4] == UInt8(ascii: "/"),
              bytes[6] == UInt8(ascii: "."),
              let major = digit(bytes[5]), let minor = digit(bytes[7]) else { return .failure(.invalidVersion) }
        guard major == 1 else { return .failure(.unsupportedVersion("\(major).\(minor)")) }
        return .success(minor == 0 ? .http1_0 : .http1_1)
    }

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= 0x30 && byte <= 0x39 ? Int(byte - 0x30) : nil
    }

    private static let absoluteSchemes: [[UInt8]] = [Array("http://".utf8), Array("https://".utf8)]

    /// origin-form, absolute-form (http/https with an authority) or "*" for OPTIONS (RFC 9112 §3.2).
    private static func isAcceptableForm(_ target: UnsafeBufferPointer<UInt8>, method: HTTPMethod) -> Bool {
        if target[0] == UInt8(ascii: "/") { return true }
        if target.count == 1 && target[0] == UInt8(ascii: "*") { return method == .options }
        for scheme in absoluteSchemes {
            if target.count > scheme.count,
               zip(target, scheme).allSatisfy({ ASCII.lower($0) == $1 }),
               target[scheme.count] != UInt8(ascii: "/") {
                return true
            }
        }
        return false
    }
}
