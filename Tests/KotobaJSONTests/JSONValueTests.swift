import KotobaJSON
import Testing

@Suite struct JSONValueTests {
    private func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }

    @Test func keepsCanonicallyEquivalentKeysApart() throws {
        let json = try parse("{\"\u{E9}\": 1, \"e\u{301}\": 2}")
        #expect(json.objectValue?.count == 2)
        #expect(json["\u{E9}"]?.intValue == 1)
        #expect(json["e\u{301}"]?.intValue == 2)
    }

    @Test func keepsMembersInDocumentOrderAndTheLastDuplicateWins() throws {
        let json = try parse(#"{"b": 1, "a": 2, "b": 3}"#)
        #expect(json.objectValue?.map(\.key) == ["b", "a", "b"])
        #expect(json["b"] == .integer(3))
        #expect(json.dictionaryValue == ["a": .integer(2), "b": .integer(3)])
    }

    @Test func integersStayIntegersAsWritten() throws {
        #expect(try parse("80") == .integer(80))
        #expect(try parse("-0") == .integer(0))
        #expect(try parse("80.5") == .number(80.5))
        #expect(try parse("8e1") == .number(80))
        #expect(try parse("5.0").intValue == 5)
        #expect(try parse("5.5").intValue == nil)
        #expect(try parse("7").doubleValue == 7)
        // Past Int's range: a number, as JavaScript reads it.
        #expect(try parse("123456789012345678901234567890") == .number(123456789012345678901234567890))
    }

    @Test func rejectsMalformedInputWithItsOffset() {
        let cases: [(text: String, offset: Int)] = [
            ("{", 1), ("[1,]", 3), ("{\"a\" 1}", 5), ("\"\\ud800\"", 7), ("tru", 0), ("1 2", 2), ("\"\u{01}\"", 1),
            ("01", 0), ("1e999", 0), ("-", 1), ("[1.]", 3), ("", 0),
        ]
        for (text, offset) in cases {
            #expect(throws: JSONParseError.self, "\(text)") { _ = try parse(text) }
            do throws(JSONParseError) { _ = try JSONValue.parse(Array(text.utf8)) } catch {
                #expect(error.offset == offset, "\(text): \(error)")
            }
        }
    }

    @Test func refusesInvalidUTF8InStrings() {
        #expect(throws: JSONParseError.self) { _ = try JSONValue.parse([0x22, 0xC3, 0x28, 0x22]) }
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let json = try parse(#"["a\n\"\u00e9\ud83d\ude00", -1.5e2, true, null]"#)
        #expect(json.arrayValue?[0].stringValue == "a\n\"\u{E9}\u{1F600}")
        #expect(json.arrayValue?[1].doubleValue == -150)
        #expect(json.arrayValue?[2].boolValue == true)
        #expect(json.arrayValue?[3].isNull == true)
    }

    @Test func boundsNestingDepth() throws {
        let allowed = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(try parse(allowed).arrayValue != nil)
        let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        #expect(throws: JSONParseError(offset: 512, reason: "nesting deeper than 512")) { _ = try parse(tooDeep) }
        // An unterminated run of a million brackets fails at the limit without walking the rest.
        #expect(throws: JSONParseError.self) { _ = try JSONValue.parse([UInt8](repeating: 0x7B, count: 1_000_000)) }
    }

    @Test func summariesNameTheTypeAndValue() throws {
        #expect(JSONValue.integer(80).summary == "integer 80")
        #expect(JSONValue.number(80.5).summary == "number 80.5")
        #expect(JSONValue.bool(true).summary == "boolean true")
        #expect(JSONValue.string(String(repeating: "x", count: 50)).summary == "string \"\(String(repeating: "x", count: 40))…\"")
        #expect(try parse("{}").summary == "an object")
    }
}
