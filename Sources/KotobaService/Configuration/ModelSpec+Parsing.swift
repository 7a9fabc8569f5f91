import Foundation
import KotobaJSON
import KotobaTasks

extension ModelSpec {
    private static let fields: Set<String> = ["name", "task", "path", "default", "quantization"]

    /// Reads the `models` list from the file's array, or from a variable or flag holding the same array as JSON
    /// text; every entry is checked, and names must be unique and defaults at most one per task.
    static func parseList(_ raw: RawConfigurationValue,
                          source: ConfigurationSource) throws(ConfigurationError) -> [ModelSpec] {
        let value: JSONValue
        switch raw {
        case let .json(json): value = json
        case let .text(text):
            do {
                value = try JSONValue.parse(Data(text.utf8))
            } catch {
                throw ConfigurationError(key: "models", source: source,
                                         reason: .wrongType(expected: "a JSON array of models", found: "\"\(text)\""))
            }
        }
        guard case let .array(entries) = value else {
            throw ConfigurationError(key: "models", source: source,
                                     reason: .wrongType(expected: "an array", found: value.summary))
        }
        var specs: [ModelSpec] = []
        for (index, entry) in entries.enumerated() {
            let spec = try parse(entry, key: "models[\(index)]", source: source)
            if specs.contains(where: { $0.name == spec.name }) {
                throw ConfigurationError(key: "models[\(index)].name", source: source,
                                         reason: .invalid("model name \"\(spec.name)\" is used twice"))
            }
            if spec.isDefault, let other = specs.first(where: { $0.isDefault && $0.task == spec.task }) {
                throw ConfigurationError(key: "models[\(index)].default", source: source,
                                         reason: .invalid("\"\(other.name)\" is already the default for task \(spec.task)"))
            }
            specs.append(spec)
        }
        return specs
    }

    private static func parse(_ entry: JSONValue, key: String,
                              source: ConfigurationSource) throws(ConfigurationError) -> ModelSpec {
        guard let object = entry.dictionaryValue else {
            throw ConfigurationError(key: key, source: source,
                                     reason: .wrongType(expected: "an object", found: entry.summary))
        }
        if let unknown = object.keys.sorted().first(where: { !fields.contains($0) }) {
            throw ConfigurationError(key: "\(key).\(unknown)", source: source, reason: .unknownKey)
        }
        func text(_ field: String) throws(ConfigurationError) -> String {
            guard let value = object[field] else {
                throw ConfigurationError(key: "\(key).\(field)", source: source, reason: .invalid("missing"))
            }
            guard case let .string(string) = value else {
                throw ConfigurationError(key: "\(key).\(field)", source: source,
                                         reason: .wrongType(expected: "a string", found: value.summary))
            }
            guard !string.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ConfigurationError(key: "\(key).\(field)", source: source, reason: .invalid("empty"))
            }
            return string
        }
        var isDefault = false
        switch object["default"] {
        case nil: break
        case let .bool(flag)?: isDefault = flag
        case let other?:
            throw ConfigurationError(key: "\(key).default", source: source,
                                     reason: .wrongType(expected: "a boolean", found: other.summary))
        }
        var quantization = Quantization.none
        if object["quantization"] != nil {
            let name = try text("quantization")
            guard let value = Quantization(rawValue: name) else {
                let choices = Quantization.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")
                throw ConfigurationError(key: "\(key).quantization", source: source,
                                         reason: .invalid("\"\(name)\" is not \(choices)"))
            }
            quantization = value
        }
        return ModelSpec(name: try text("name"), task: try text("task"), path: try text("path"), isDefault: isDefault,
                         quantization: quantization)
    }
}
