import KotobaJSON

/// The JSON parser on arbitrary bytes. Rules: a refusal points inside the input; accepted input written
/// back parses to an equal value, and writing that value again gives the same text.
enum JSONRoundTripTarget {
    static let target = FuzzTarget(
        name: "json",
        summary: "JSONValue.parse: errors point inside the input; parse → write → parse is stable"
    ) { bytes throws(InvariantFailure) in
        let value: JSONValue
        do throws(JSONParseError) {
            value = try JSONValue.parse(bytes)
        } catch {
            try expect(error.offset >= 0 && error.offset <= bytes.count,
                       "error offset \(error.offset) outside \(bytes.count) bytes: \(error)")
            return
        }
        let text = JSONWriter.write(value)
        let again: JSONValue
        do { again = try JSONValue.parse(text) } catch {
            throw InvariantFailure(description: "written form does not parse (\(error)): \(String(decoding: text, as: UTF8.self))")
        }
        try expect(again == value, "round trip changed the value: \(String(decoding: text, as: UTF8.self))")
        try expect(JSONWriter.write(again) == text, "writing is not stable: \(String(decoding: text, as: UTF8.self))")
    }
}
