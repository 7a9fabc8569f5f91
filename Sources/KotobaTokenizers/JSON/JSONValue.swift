/// A parsed JSON value. Objects keep their members in file order and compare keys by Unicode scalars,
/// because tokenizer vocabularies hold keys that Swift's `String ==` would treat as equal
/// (canonically equivalent forms such as "é" and "e\u{301}") while `tokenizers` keeps them apart.
package enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    /// Members in file order; duplicate keys are kept (the last one wins on lookup, like serde_json).
    case object([(key: String, value: JSONValue)])

    package static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case let (.bool(a), .bool(b)): a == b
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

    /// True for `null` and for a missing member looked up through `?[...]`.
    package var isNull: Bool { if case .null = self { true } else { false } }

    package var stringValue: String? { if case let .string(s) = self { s } else { nil } }
    package var boolValue: Bool? { if case let .bool(b) = self { b } else { nil } }
    package var doubleValue: Double? { if case let .number(n) = self { n } else { nil } }
    package var arrayValue: [JSONValue]? { if case let .array(a) = self { a } else { nil } }
    package var objectValue: [(key: String, value: JSONValue)]? { if case let .object(o) = self { o } else { nil } }

    /// The number as an exact integer, or nil when it is not one.
    package var intValue: Int? {
        guard case let .number(n) = self, n.rounded() == n, abs(n) < 9.0e15 else { return nil }
        return Int(n)
    }
}
