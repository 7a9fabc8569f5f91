/// The JSON error envelope `{"error": …, "error_type": …, "request_id": …}` used for every error response.
package enum HTTPErrorBody {
    /// Builds the envelope with JSON string escaping (quotes, backslashes, control characters).
    package static func make(message: String, type: String, requestID: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(48 + message.utf8.count + type.utf8.count + requestID.utf8.count)
        out.append(contentsOf: #"{"error":"#.utf8)
        appendString(message, to: &out)
        out.append(contentsOf: #","error_type":"#.utf8)
        appendString(type, to: &out)
        out.append(contentsOf: #","request_id":"#.utf8)
        appendString(requestID, to: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Appends `value` as a quoted JSON string.
    package static func appendString(_ value: String, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x00..<0x20, 0x7F:
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// The `error_type` values the server itself produces.
package enum HTTPErrorType {
    package static let validation = "validation"
    package static let notFound = "not_found"
    package static let methodNotAllowed = "method_not_allowed"
    package static let timeout = "timeout"
    package static let payloadTooLarge = "payload_too_large"
    package static let uriTooLong = "uri_too_long"
    package static let headersTooLarge = "headers_too_large"
    package static let expectationFailed = "expectation_failed"
    package static let notImplemented = "not_implemented"
    package static let unsupportedVersion = "unsupported_version"
    package static let overloaded = "overloaded"
    package static let internalError = "internal"
    package static let unsupportedMediaType = "unsupported_media_type"
    package static let malformedBody = "malformed_body"
}
