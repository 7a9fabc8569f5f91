/// A parsed and validated request head, before its body is read.
struct RequestHead: Sendable {
    var method: HTTPMethod
    var target: String
    var path: String
    var query: String?
    var version: HTTPVersion
    var headers: HTTPHeaders
    var framing: BodyFraming
    /// Whether the connection may stay open after the response (version default, then Connection tokens).
    var keepAlive: Bool
    var expectsContinue: Bool
    /// The client's X-Request-ID when acceptable.
    var clientRequestID: String?
    /// Bytes of the head on the wire, including the final CRLF.
    var byteCount: Int
    /// How the body is compressed on the wire; the parser inflates it.
    var contentCoding: ContentCoding = .identity
}

/// How the body of a request is delimited (RFC 9112 §6.3).
enum BodyFraming: Equatable, Sendable {
    case none
    case length(Int)
    case chunked

    var hasBody: Bool {
        switch self {
        case .none, .length(0): return false
        default: return true
        }
    }
}
