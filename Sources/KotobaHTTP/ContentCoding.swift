/// A request body's `Content-Encoding` (RFC 9110 §8.4): the codings the server inflates.
enum ContentCoding: Sendable, Equatable {
    case identity
    case gzip
    /// zlib-wrapped deflate (RFC 1950) as RFC 9110 defines it; raw deflate (RFC 1951) is accepted too, since
    /// some clients send that under the same name.
    case deflate

    /// The coding a `Content-Encoding` value names; nil for anything else (415), including a stack of two
    /// codings, which no client of a JSON API needs.
    static func parse(_ value: String) -> ContentCoding? {
        let codings = FieldList.elements(value).map { $0.lowercased() }.filter { $0 != "identity" }
        switch codings {
        case []: return .identity
        case ["gzip"], ["x-gzip"]: return .gzip
        case ["deflate"]: return .deflate
        default: return nil
        }
    }
}
