/// A parsed JSON value, the one type every Kotoba module reads JSON into (request bodies, configuration files,
/// `config.json`, safetensors headers, tokenizer files).
///
/// Integers and other numbers stay apart as they were written (`80` is `.integer`, `80.5` and `8e1` are
/// `.number`), so a configuration key can refuse `"port": 80.5` by name. Objects keep their members in document
/// order and compare keys by Unicode scalars, because tokenizer vocabularies hold keys that Swift's `String ==`
/// would treat as equal (canonically equivalent forms such as "é" and "e\u{301}") while `tokenizers` keeps them
/// apart.
package enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number written without fraction or exponent that fits an `Int`.
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    /// Members in document order; duplicate keys are kept (the last one wins on lookup, like serde_json).
    case object([(key: String, value: JSONValue)])

    /// Parses one UTF-8 JSON document (RFC 8259, nesting at most `JSONParser.maxDepth` deep).
    package static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        try JSONParser.parse(Array(bytes))
    }

    package static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case let (.bool(a), .bool(b)): a == b
        case let (.integer(a), .integer(b)): a == b
        case let (.number(a), .number(b)): a == b
        case let (.string(a), .string(b)): a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case let (.array(a), .array(b)): a == b
        case let (.object(a), .object(b)):
            a.count == b.count && zip(a, b).allSatisfy {
                $0.key.unicodeScalars.elementsEqual($1.key.unicodeScalars) && $0.value == $1.value
            }
        default: false
        }
    }

    /// The member named `key` (scalar-exact comparison; the last duplicate wins), or nil.
    package subscript(key: String) -> JSONValue? {
        guard case let .object(members) = self else { return nil }
        return members.last { $0.key.unicodeScalars.elementsEqual(key.unicodeScalars) }?.value
    }

    /// True for `null`.
    package var isNull: Bool { if case .null = self { true } else { false } }

    package var stringValue: String? { if case let .string(s) = self { s } else { nil } }
    package var boolValue: Bool? { if case let .bool(b) = self { b } else { nil } }
    package var arrayValue: [JSONValue]? { if case let .array(a) = self { a } else { nil } }
    package var objectValue: [(key: String, value: JSONValue)]? { if case let .object(o) = self { o } else { nil } }

    /// Any number, integers included.
    package var doubleValue: Double? {
        switch self {
        case let .integer(n): Double(n)
        case let .number(n): n
        default: nil
        }
    }

    /// The number as an exact integer (`5` or `5.0`, as JavaScript clients write integers), or nil.
    package var intValue: Int? {
        switch self {
        case let .integer(n): n
        case let .number(n) where n.rounded() == n && abs(n) < 9.0e15: Int(n)
        default: nil
        }
    }

    /// An object's members keyed by name, the last duplicate winning, for readers that look fields up by
    /// `String` (request bodies, configuration). Canonically equivalent keys merge here, as Swift strings compare.
    package var dictionaryValue: [String: JSONValue]? {
        guard case let .object(members) = self else { return nil }
        return Dictionary(members.lazy.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// How an error message names what it found: the JSON type and a short rendering of the value.
    package var summary: String {
        switch self {
        case .null: "null"
        case let .bool(value): "boolean \(value)"
        case let .integer(value): "integer \(value)"
        case let .number(value): "number \(value)"
        case let .string(value): "string \"\(value.count > 40 ? String(value.prefix(40)) + "…" : value)\""
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// Why a document is not JSON, and the byte offset where parsing stopped.
package struct JSONParseError: Error, Equatable, CustomStringConvertible {
    package let offset: Int
    package let reason: String

    package init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    package var description: String { "\(reason) at byte \(offset)" }
}
