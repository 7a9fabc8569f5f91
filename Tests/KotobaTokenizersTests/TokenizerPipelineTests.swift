import Testing
@testable import KotobaTokenizers
import KotobaJSON

@Suite struct TokenizerPipelineTests {
    @Test func unknownStageTypesAreUnsupported() throws {
        let json = try JSONValue.parse(Array(#"{"type": "Nope"}"#.utf8))
        #expect(throws: TokenizerError.unsupported(stage: "normalizer", type: "Nope")) { _ = try StageFactory.normalizer(json) }
        #expect(throws: TokenizerError.unsupported(stage: "pre_tokenizer", type: "Nope")) { _ = try StageFactory.preTokenizer(json) }
        #expect(throws: TokenizerError.unsupported(stage: "model", type: "Nope")) { _ = try StageFactory.model(json) }
        #expect(throws: TokenizerError.unsupported(stage: "post_processor", type: "Nope")) { _ = try StageFactory.postProcessor(json) }
        #expect(throws: TokenizerError.unsupported(stage: "decoder", type: "Nope")) { _ = try StageFactory.decoder(json) }
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
