import Foundation

/// The one JSON encoder configuration for response bodies: sorted keys so bodies are byte-stable for tests
/// and caches, and unescaped slashes so paths read as written.
enum WireJSON {
    static func encode<Body: Encodable>(_ body: Body) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding our own Codable structs of strings, numbers and arrays cannot fail; the envelope keeps a
        // broken invariant visible as a 500 body rather than a crash.
        guard let data = try? encoder.encode(body) else {
            return Array(#"{"error":"response encoding failed","error_type":"internal"}"#.utf8)
        }
        return Array(data)
    }
}
