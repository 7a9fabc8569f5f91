/// Why a request was refused before reaching a responder; each case maps to one status and error type.
package enum HTTPParseError: Error, Equatable, Sendable {
    case malformedRequestLine
    case invalidMethod
    case invalidTarget
    case uriTooLong(limit: Int)
    case invalidVersion
    case unsupportedVersion(String)
    case headersTooLarge(limit: Int)
    case tooManyHeaders(limit: Int)
    case invalidHeaderName
    case invalidHeaderValue(name: String)
    case obsoleteLineFolding
    case bareLineFeed
    case missingHost
    case duplicateHost
    case invalidContentLength
    case conflictingContentLength
    case contentLengthWithTransferEncoding
    case transferEncodingInHTTP10
    case chunkedNotFinal
    case unsupportedTransferCoding(String)
    case unsupportedExpectation(String)
    case bodyTooLarge(limit: Int)
    case invalidChunkSize
    case chunkSizeOverflow
    case invalidChunkExtension
    case missingChunkTerminator
    case trailersTooLarge(limit: Int)
    case invalidTrailer
    /// A `Content-Encoding` other than gzip, deflate or identity.
    case unsupportedContentEncoding(String)
    /// A gzip or deflate body that does not inflate.
    case corruptBody(String)
    /// A compressed body that inflates past the body limit.
    case inflatedBodyTooLarge(limit: Int)

    package var status: HTTPStatus {
        switch self {
        case .uriTooLong: return .uriTooLong
        case .unsupportedVersion: return .httpVersionNotSupported
        case .headersTooLarge, .tooManyHeaders, .trailersTooLarge: return .headerFieldsTooLarge
        case .unsupportedTransferCoding: return .notImplemented
        case .unsupportedExpectation: return .expectationFailed
        case .bodyTooLarge, .inflatedBodyTooLarge: return .payloadTooLarge
        case .unsupportedContentEncoding: return .unsupportedMediaType
        default: return .badRequest
        }
    }

    package var errorType: String {
        switch self {
        case .uriTooLong: return HTTPErrorType.uriTooLong
        case .unsupportedVersion: return HTTPErrorType.unsupportedVersion
        case .headersTooLarge, .tooManyHeaders, .trailersTooLarge: return HTTPErrorType.headersTooLarge
        case .unsupportedTransferCoding: return HTTPErrorType.notImplemented
        case .unsupportedExpectation: return HTTPErrorType.expectationFailed
        case .bodyTooLarge, .inflatedBodyTooLarge: return HTTPErrorType.payloadTooLarge
        case .unsupportedContentEncoding: return HTTPErrorType.unsupportedMediaType
        case .corruptBody: return HTTPErrorType.malformedBody
        default: return HTTPErrorType.validation
        }
    }

    /// A message for the client; it names the rule broken, never echoes raw bytes.
    package var message: String {
        switch self {
        case .malformedRequestLine: return "malformed request line"
        case .invalidMethod: return "request method is not a valid token"
        case .invalidTarget: return "invalid request target"
        case let .uriTooLong(limit): return "request target longer than \(limit) bytes"
        case .invalidVersion: return "malformed HTTP version"
        case let .unsupportedVersion(version): return "HTTP version \(version) is not supported; use HTTP/1.1"
        case let .headersTooLarge(limit): return "header section larger than \(limit) bytes"
        case let .tooManyHeaders(limit): return "more than \(limit) header fields"
        case .invalidHeaderName: return "invalid header field name"
        case let .invalidHeaderValue(name): return "invalid characters in header field \(name)"
        case .obsoleteLineFolding: return "obsolete line folding is not accepted"
        case .bareLineFeed: return "lines must end with CRLF"
        case .missingHost: return "HTTP/1.1 request without Host header"
        case .duplicateHost: return "more than one Host header"
        case .invalidContentLength: return "Content-Length is not a decimal number"
        case .conflictingContentLength: return "conflicting Content-Length values"
        case .contentLengthWithTransferEncoding: return "Content-Length together with Transfer-Encoding"
        case .transferEncodingInHTTP10: return "Transfer-Encoding in an HTTP/1.0 request"
        case .chunkedNotFinal: return "chunked must be the final transfer coding, applied once"
        case let .unsupportedTransferCoding(coding): return "transfer coding \(coding) is not supported"
        case let .unsupportedExpectation(value): return "expectation \(value) is not supported"
        case let .bodyTooLarge(limit): return "request body larger than \(limit) bytes"
        case .invalidChunkSize: return "invalid chunk size"
        case .chunkSizeOverflow: return "chunk size too large"
        case .invalidChunkExtension: return "invalid chunk extension"
        case .missingChunkTerminator: return "chunk data not followed by CRLF"
        case let .trailersTooLarge(limit): return "trailer section larger than \(limit) bytes"
        case .invalidTrailer: return "invalid trailer field"
        case let .unsupportedContentEncoding(coding):
            return "Content-Encoding \(coding.prefix(40)) is not supported; send gzip, deflate or identity"
        case let .corruptBody(why): return "the compressed body does not inflate: \(why)"
        case let .inflatedBodyTooLarge(limit): return "request body larger than \(limit) bytes once inflated"
        }
    }
}
