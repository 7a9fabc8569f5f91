/// A parsed route pattern: literal segments and `{name}` captures, compared segment by segment.
struct RoutePattern: Sendable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    let text: String
    let segments: [Segment]

    init(_ text: String) {
        self.text = text
        segments = Self.segments(of: text).map { segment in
            if segment.hasPrefix("{") && segment.hasSuffix("}") && segment.count > 2 {
                return .parameter(String(segment.dropFirst().dropLast()))
            }
            return .literal(String(segment))
        }
    }

    /// Path segments between "/"; empty segments are kept so "/a//b" does not match "/a/b".
    static func segments(of path: String) -> [Substring] {
        var trimmed = Substring(path)
        if trimmed.first == "/" { trimmed = trimmed.dropFirst() }
        return trimmed.split(separator: "/", omittingEmptySubsequences: false)
    }

    /// True when every segment is literal: the pattern matches exactly one path, its own text.
    var isLiteral: Bool {
        segments.allSatisfy { if case .literal = $0 { true } else { false } }
    }

    func match(_ path: [Substring]) -> PathParameters? {
        guard path.count == segments.count else { return nil }
        var captured: [(name: String, value: String)] = []
        for (segment, part) in zip(segments, path) {
            switch segment {
            case let .literal(literal):
                guard part == literal else { return nil }
            case let .parameter(name):
                guard !part.isEmpty else { return nil }
                captured.append((name: name, value: PercentDecoding.decode(part) ?? String(part)))
            }
        }
        return PathParameters(captured)
    }

    /// Literal segments beat captures, leftmost first: "/v1/models/stats" wins over "/v1/models/{name}".
    func isMoreSpecific(than other: RoutePattern) -> Bool {
        for (mine, theirs) in zip(segments, other.segments) {
            switch (mine, theirs) {
            case (.literal, .parameter): return true
            case (.parameter, .literal): return false
            default: continue
            }
        }
        return false
    }
}

/// RFC 3986 percent-decoding; nil for malformed escapes or invalid UTF-8.
enum PercentDecoding {
    static func decode(_ text: Substring) -> String? {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(ASCII.hexValue),
                  let low = iterator.next().flatMap(ASCII.hexValue) else { return nil }
            bytes.append(UInt8(high << 4 | low))
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
