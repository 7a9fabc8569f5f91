import Foundation
import KotobaJSON

/// A task request's JSON object, read field by field with types and ranges checked, so that a wrong type,
/// an out-of-range value or a misspelt field is a 422 that names it rather than a silently ignored default.
struct RequestFields {
    private let object: [String: JSONValue]
    /// Where these fields sit in the body, for messages (`parameters.top_k`).
    private let prefix: String

    /// Parses a body: invalid UTF-8 or a non-object is 422, text that is not JSON is 400.
    static func parse(_ body: [UInt8]) throws(APIError) -> RequestFields {
        // Checked before parsing because the parser reports bad UTF-8 as malformed JSON, and a body of valid
        // JSON syntax in a broken encoding is a wrong request, not unparseable text.
        guard String(validating: body, as: UTF8.self) != nil else {
            throw .invalid("request body is not valid UTF-8")
        }
        guard !body.isEmpty else { throw .malformedJSON("the body is empty") }
        let value: JSONValue
        do { value = try JSONValue.parse(body) } catch {
            throw .malformedJSON("the body is not JSON: \(error)")
        }
        return try RequestFields(value, at: "")
    }

    init(_ value: JSONValue, at prefix: String) throws(APIError) {
        guard let object = value.dictionaryValue else {
            throw .invalid("\(prefix.isEmpty ? "the body" : prefix) must be a JSON object, found \(value.summary)")
        }
        self.object = object
        self.prefix = prefix
    }

    /// An object with no fields, for an optional object the body left out.
    static func empty(_ prefix: String) -> RequestFields {
        RequestFields(object: [:], prefix: prefix)
    }

    private init(object: [String: JSONValue], prefix: String) {
        self.object = object
        self.prefix = prefix
    }

    /// Refuses any field outside `known`.
    func rejectUnknown(_ known: Set<String>) throws(APIError) {
        let unknown = object.keys.filter { !known.contains($0) }.sorted()
        guard unknown.isEmpty else {
            let list = known.sorted().joined(separator: ", ")
            throw .invalid("unknown field \(unknown.map { "\"\(path($0))\"" }.joined(separator: ", ")); "
                           + "accepted: \(list)")
        }
    }

    func has(_ key: String) -> Bool { object[key].map { $0 != .null } ?? false }

    func raw(_ key: String) -> JSONValue? {
        object[key].flatMap { $0 == .null ? nil : $0 }
    }

    func path(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }

    func string(_ key: String) throws(APIError) -> String? {
        guard let value = raw(key) else { return nil }
        guard case let .string(text) = value else { throw wrongType(key, "a string", value) }
        return text
    }

    func bool(_ key: String) throws(APIError) -> Bool? {
        guard let value = raw(key) else { return nil }
        guard case let .bool(flag) = value else { throw wrongType(key, "a boolean", value) }
        return flag
    }

    func integer(_ key: String, in range: ClosedRange<Int>) throws(APIError) -> Int? {
        guard let value = raw(key) else { return nil }
        // 5.0 is an integer written as JSON clients (JavaScript) often write one: intValue takes it.
        guard let number = value.intValue else { throw wrongType(key, "an integer", value) }
        guard range.contains(number) else {
            throw .invalid("\(path(key)) must be in \(range.lowerBound)...\(range.upperBound), got \(number)")
        }
        return number
    }

    /// A number (an integer is one too) in `range`.
    func number(_ key: String, in range: ClosedRange<Double>) throws(APIError) -> Double? {
        guard let value = raw(key) else { return nil }
        guard let number = value.doubleValue else { throw wrongType(key, "a number", value) }
        guard range.contains(number) else {
            throw .invalid("\(path(key)) must be in \(range.lowerBound)...\(range.upperBound), got \(number)")
        }
        return number
    }

    /// A string or a list of strings; `isList` says which, since a single input answers with a single result
    /// in the Hugging Face shapes.
    func texts(_ key: String, maxCount: Int) throws(APIError) -> (texts: [String], isList: Bool)? {
        guard let value = raw(key) else { return nil }
        switch value {
        case let .string(text):
            return ([try nonEmpty(text, path(key))], false)
        case let .array(items):
            guard !items.isEmpty else { throw .invalid("\(path(key)) is an empty list") }
            guard items.count <= maxCount else {
                throw .invalid("\(path(key)) has \(items.count) inputs; at most \(maxCount) are accepted per request")
            }
            var texts: [String] = []
            for (index, item) in items.enumerated() {
                guard case let .string(text) = item else {
                    throw .invalid("\(path(key))[\(index)] must be a string, found \(item.summary)")
                }
                texts.append(try nonEmpty(text, "\(path(key))[\(index)]"))
            }
            return (texts, true)
        default:
            throw wrongType(key, "a string or a list of strings", value)
        }
    }

    /// A list of strings (or one string, as a list of one); `allowingEmpty` accepts `[]` (an optional list
    /// spelled out empty, such as `/similar`'s `negative`).
    func stringList(_ key: String, allowingEmpty: Bool = false) throws(APIError) -> [String]? {
        guard let value = raw(key) else { return nil }
        switch value {
        case let .string(text): return [try nonEmpty(text, path(key))]
        case let .array(items):
            guard !items.isEmpty || allowingEmpty else { throw .invalid("\(path(key)) is an empty list") }
            var texts: [String] = []
            for (index, item) in items.enumerated() {
                guard case let .string(text) = item else {
                    throw .invalid("\(path(key))[\(index)] must be a string, found \(item.summary)")
                }
                texts.append(try nonEmpty(text, "\(path(key))[\(index)]"))
            }
            return texts
        default: throw wrongType(key, "a string or a list of strings", value)
        }
    }

    /// A nested object (HF's `parameters`).
    func object(_ key: String) throws(APIError) -> RequestFields? {
        guard let value = raw(key) else { return nil }
        return try RequestFields(value, at: path(key))
    }

    private func nonEmpty(_ text: String, _ where: String) throws(APIError) -> String {
        guard !text.allSatisfy(\.isWhitespace) else { throw .invalid("\(`where`) is empty") }
        return text
    }

    private func wrongType(_ key: String, _ expected: String, _ found: JSONValue) -> APIError {
        .invalid("\(path(key)) must be \(expected), found \(found.summary)")
    }
}
