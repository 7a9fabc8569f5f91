/// A fully received request: head, de-chunked body and the connection it came on.
package struct HTTPRequest: Sendable {
    package var method: HTTPMethod
    /// The request-target exactly as sent (origin-, absolute- or asterisk-form).
    package var target: String
    /// The path of the target, still percent-encoded, without the query.
    package var path: String
    /// The query without the leading "?", or nil when the target has none.
    package var query: String?
    package var version: HTTPVersion
    package var headers: HTTPHeaders
    package var body: [UInt8]
    /// The X-Request-ID echoed on the response: the client's when sane, otherwise generated.
    package var id: String
    package var remoteAddress: String
    /// Trailer fields of a chunked body (empty otherwise).
    package var trailers: HTTPHeaders

    /// A request whose path and query are already split (the parser's case).
    init(method: HTTPMethod, target: String, path: String, query: String?, version: HTTPVersion,
         headers: HTTPHeaders, body: [UInt8], id: String, remoteAddress: String, trailers: HTTPHeaders) {
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
        self.id = id
        self.remoteAddress = remoteAddress
        self.trailers = trailers
    }

    package init(method: HTTPMethod, target: String, version: HTTPVersion = .http1_1,
                headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [], id: String = RequestID.generate(),
                remoteAddress: String = "", trailers: HTTPHeaders = HTTPHeaders()) {
        self.method = method
        self.target = target
        let (path, query) = RequestTarget.split(target)
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
        self.id = id
        self.remoteAddress = remoteAddress
        self.trailers = trailers
    }
}

/// Splitting and validating request-targets (RFC 9112 §3.2).
enum RequestTarget {
    /// Path and query of an origin-form or absolute-form target; "*" stays "*".
    static func split(_ target: String) -> (path: String, query: String?) {
        var rest = Substring(target)
        // Origin-form first: it is nearly every request, and the scheme search is a Foundation call.
        if rest.first != "/", let schemeEnd = rest.range(of: "://") {
            rest = rest[schemeEnd.upperBound...]
            if let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) {
                rest = rest[slash...]
            } else {
                rest = "/"
            }
            if rest.first == "?" { rest = "/" + rest }
        }
        guard let mark = rest.firstIndex(of: "?") else { return (String(rest), nil) }
        return (String(rest[..<mark]), String(rest[rest.index(after: mark)...]))
    }
}
