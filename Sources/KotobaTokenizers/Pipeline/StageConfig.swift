import KotobaJSON

/// One stage's tokenizer.json object, with typed field access whose errors name the stage and field.
package struct StageConfig: Sendable {
    /// The stage kind ("normalizer", "pre_tokenizer", "model", "post_processor", "decoder").
    package let stage: String
    /// The `type` field.
    package let type: String
    package let json: JSONValue

    /// Reads `json` as a stage object; `defaultType` serves files whose `model` omits `type`.
    package init(_ json: JSONValue, stage: String, defaultType: String? = nil) throws(TokenizerError) {
        guard json.objectValue != nil else { throw .invalidConfiguration(stage: stage, reason: "expected an object") }
        guard let type = json["type"]?.stringValue ?? defaultType else {
            throw .invalidConfiguration(stage: stage, reason: "missing \"type\"")
        }
        self.stage = stage
        self.type = type
        self.json = json
    }

    private func invalid(_ key: String, _ expected: String) -> TokenizerError {
        .invalidConfiguration(stage: "\(stage) \(type)", reason: "\"\(key)\" must be \(expected)")
    }

    /// The field, or nil when absent or null.
    package func value(_ key: String) -> JSONValue? {
        guard let v = json[key], !v.isNull else { return nil }
        return v
    }

    package func bool(_ key: String, default fallback: Bool) throws(TokenizerError) -> Bool {
        try optionalBool(key) ?? fallback
    }

    package func optionalBool(_ key: String) throws(TokenizerError) -> Bool? {
        guard let v = value(key) else { return nil }
        guard let b = v.boolValue else { throw invalid(key, "a boolean") }
        return b
    }

    package func string(_ key: String) throws(TokenizerError) -> String {
        guard let s = try optionalString(key) else { throw invalid(key, "a string") }
        return s
    }

    package func optionalString(_ key: String) throws(TokenizerError) -> String? {
        guard let v = value(key) else { return nil }
        guard let s = v.stringValue else { throw invalid(key, "a string") }
        return s
    }

    package func int(_ key: String) throws(TokenizerError) -> Int {
        guard let i = try optionalInt(key) else { throw invalid(key, "an integer") }
        return i
    }

    package func optionalInt(_ key: String) throws(TokenizerError) -> Int? {
        guard let v = value(key) else { return nil }
        guard let i = v.intValue else { throw invalid(key, "an integer") }
        return i
    }

    package func array(_ key: String) throws(TokenizerError) -> [JSONValue] {
        guard let a = value(key)?.arrayValue else { throw invalid(key, "an array") }
        return a
    }

    package func object(_ key: String) throws(TokenizerError) -> [(key: String, value: JSONValue)] {
        guard let o = value(key)?.objectValue else { throw invalid(key, "an object") }
        return o
    }
}
