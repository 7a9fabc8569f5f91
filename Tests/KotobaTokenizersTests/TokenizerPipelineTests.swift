import Testing
@testable import KotobaTokenizers

@Suite struct TokenizerPipelineTests {
    @Test func unknownStageTypesAreUnsupported() throws {
        let json = try JSONParser.parse(Array(#"{"type": "Nope"}"#.utf8))
        #expect(throws: TokenizerError.unsupported(stage: "normalizer", type: "Nope")) { _ = try StageFactory.normalizer(json) }
        #expect(throws: TokenizerError.unsupported(stage: "pre_tokenizer", type: "Nope")) { _ = try StageFactory.preTokenizer(json) }
        #expect(throws: TokenizerError.unsupported(stage: "model", type: "Nope")) { _ = try StageFactory.model(json) }
        #expect(throws: TokenizerError.unsupported(stage: "post_processor", type: "Nope")) { _ = try StageFactory.postProcessor(json) }
        #expect(throws: TokenizerError.unsupported(stage: "decoder", type: "Nope")) { _ = try StageFactory.decoder(json) }
    }

    @Test func jsonKeepsCanonicallyEquivalentKeysApart() throws {
        let json = try JSONParser.parse(Array("{\"\u{E9}\": 1, \"e\u{301}\": 2}".utf8))
        #expect(json.objectValue?.count == 2)
        #expect(json["\u{E9}"]?.intValue == 1)
        #expect(json["e\u{301}"]?.intValue == 2)
    }

    @Test func jsonRejectsMalformedInput() {
        for text in ["{", "[1,]", "{\"a\" 1}", "\"\\ud800\"", "tru", "1 2", "\"\u{01}\""] {
            #expect(throws: JSONParser.Failure.self) { _ = try JSONParser.parse(Array(text.utf8)) }
        }
    }

    @Test func jsonDecodesEscapesAndSurrogatePairs() throws {
        let json = try JSONParser.parse(Array(#"["a\n\"\u00e9\ud83d\ude00", -1.5e2, true, null]"#.utf8))
        #expect(json.arrayValue?[0].stringValue == "a\n\"\u{E9}\u{1F600}")
        #expect(json.arrayValue?[1].doubleValue == -150)
        #expect(json.arrayValue?[2].boolValue == true)
        #expect(json.arrayValue?[3].isNull == true)
    }

    @Test func transformAlignsInsertionsWithThePreviousScalar() {
        var text = NormalizedString(Array("ab".unicodeScalars), startingAt: 10)
        // "ab" → "xaYb": x inserted first (no previous scalar: the span's start), Y inserted after a.
        text.transform([("x", 1), ("a", 0), ("Y", 1), ("b", 0)])
        #expect(text.string == "xaYb")
        #expect(text.alignments == [Offsets(10, 10), Offsets(10, 11), Offsets(10, 11), Offsets(11, 12)])
    }

    @Test func transformRemovalsKeepLaterAlignments() {
        var text = NormalizedString("abcd")
        text.transform([("a", -2), ("d", 0)])
        #expect(text.string == "ad")
        #expect(text.alignments == [Offsets(0, 1), Offsets(3, 4)])
    }

    @Test func lowercaseExpandsAndKeepsAlignment() {
        var text = NormalizedString("A\u{130}B")
        text.lowercase()
        #expect(text.scalars == ["a", "i", "\u{307}", "b"])
        #expect(text.alignments == [Offsets(0, 1), Offsets(1, 2), Offsets(1, 2), Offsets(2, 3)])
        #expect(text.originalOffsets(of: 1..<3) == Offsets(1, 2))
    }

    @Test func splitBehavioursMatchTokenizers() {
        let text = NormalizedString("a--b-")
        let matches = text.matches { $0 == "-" }
        func pieces(_ b: SplitDelimiterBehavior) -> [String] { text.split(matches, behavior: b).map(\.string) }
        #expect(pieces(.removed) == ["a", "b"])
        #expect(pieces(.isolated) == ["a", "-", "-", "b", "-"])
        #expect(pieces(.mergedWithPrevious) == ["a-", "-", "b-"])
        #expect(pieces(.mergedWithNext) == ["a", "-", "-b", "-"])
        #expect(pieces(.contiguous) == ["a", "--", "b", "-"])
    }

    @Test func decompositionStripsAccentsKeepingBaseAlignment() {
        var text = NormalizedString("\u{E9}x")
        text.decomposeCanonically()
        #expect(text.scalars == ["e", "\u{301}", "x"])
        #expect(text.alignments == [Offsets(0, 1), Offsets(0, 1), Offsets(1, 2)])
    }
}
