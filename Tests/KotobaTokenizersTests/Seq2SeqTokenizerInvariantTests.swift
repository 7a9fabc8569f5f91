import Foundation
import Testing
@testable import KotobaTokenizers
import KotobaJSON

/// Invariants of the hand-written matchers and the lattice, checked against independent implementations.
@Suite struct Seq2SeqTokenizerInvariantTests {
    static let gpt2 = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#

    @Test func handWrittenGPT2SplitEqualsTheRegexOnTheCorpus() throws {
        let regex = try TokenizerPattern.regex(Self.gpt2, stage: "test")
        for text in try Seq2SeqTokenizerFixtures.corpus() + ["a  b", "x \n y", " 's'S'll'x", "  ", "1st 2nd"] {
            let scalars = Array(text.unicodeScalars)
            #expect(ByteLevel.gpt2Matches(scalars) == regex.matches(in: scalars), "\(text.debugDescription)")
        }
    }

    @Test func byteTableIsABijectionOntoVisibleScalars() {
        let table = ByteLevel.byteToScalar
        #expect(Set(table.map(\.value)).count == 256)
        #expect(table.allSatisfy { !$0.properties.isWhitespace && $0.properties.generalCategory != .control })
        for byte in 0..<256 { #expect(ByteLevel.scalarToByte[table[byte].value] == UInt8(byte)) }
    }

    /// Every segmentation of `word` into vocabulary pieces (unknown single scalars allowed), by recursion.
    static func bestByEnumeration(_ word: [Unicode.Scalar], _ model: Unigram, unknownScore: Double) -> Double {
        if word.isEmpty { return 0 }
        var best = -Double.infinity
        for length in 1...word.count {
            let piece = String(String.UnicodeScalarView(word[..<length]))
            var score: Double?
            if let id = model.id(forToken: piece) { score = model.vocabulary[id].score }
            // The lattice adds an unknown node only where no single-scalar piece starts.
            if length == 1 && model.id(forToken: piece) == nil { score = unknownScore }
            if let score { best = max(best, score + bestByEnumeration(Array(word[length...]), model, unknownScore: unknownScore)) }
        }
        return best
    }

    @Test func viterbiPathScoreEqualsTheBestEnumeratedSegmentation() throws {
        let vocabulary: [(piece: String, score: Double)] = [
            ("<unk>", 0), ("a", -2), ("b", -2.5), ("ab", -3), ("abc", -4.5), ("c", -3), ("bc", -2.75), ("ca", -3.5),
        ]
        let model = try Unigram(vocabulary: vocabulary, unknownID: 0, byteFallback: false)
        let unknownScore = -4.5 - 10
        var generator = SplitMix64(seed: 42)
        for _ in 0..<200 {
            let length = Int(generator.next() % 8) + 1
            let word = (0..<length).map { _ in Array("abcx".unicodeScalars)[Int(generator.next() % 4)] }
            let tokens = try model.tokenize(word)
            // Fused unknowns: score them per scalar, as the lattice did before fusing.
            var score = 0.0
            for token in tokens {
                score += token.id == 0 ? unknownScore * Double(token.offsets.count) : vocabulary[token.id].score
            }
            #expect(abs(score - Self.bestByEnumeration(word, model, unknownScore: unknownScore)) < 1e-9,
                    "\(String(String.UnicodeScalarView(word)))")
            #expect(tokens.map(\.offsets.count).reduce(0, +) == word.count)
        }
    }

    @Test func bpeMergesFollowRankNotPosition() throws {
        // "abc": (b, c) has the lower rank, so it merges first even though (a, b) is further left.
        let bpe = try BPE(vocabulary: [("a", 0), ("b", 1), ("c", 2), ("ab", 3), ("bc", 4), ("abc", 5)],
                          merges: [("b", "c"), ("a", "b"), ("a", "bc")], unknownToken: nil,
                          continuingSubwordPrefix: nil, endOfWordSuffix: nil, fuseUnknown: false,
                          byteFallback: false, ignoreMerges: false)
        #expect(try bpe.tokenize(Array("abc".unicodeScalars)).map(\.value) == ["abc"])
        #expect(try bpe.tokenize(Array("abab".unicodeScalars)).map(\.value) == ["ab", "ab"])
        #expect(try bpe.tokenize(Array("cab".unicodeScalars)).map(\.offsets) == [0..<1, 1..<3])
    }

    @Test func vocabularyLookupsAreScalarExactNotCanonical() throws {
        // "e\u{301}" and "é" are canonically equivalent Swift Strings but different tokens to tokenizers.
        let json = try JSONValue.parse(Array(#"""
            {"type": "BPE", "vocab": {"e": 0, "\u0301": 1, "e\u0301": 2, "\u00e9": 3}, "merges": ["e \u0301"]}
            """#.utf8))
        let bpe = try BPE(StageConfig(json, stage: "model"))
        let decomposed = try bpe.tokenize(Array("e\u{301}".unicodeScalars))
        #expect(decomposed.map(\.id) == [2])
        #expect(try bpe.tokenize(Array("\u{e9}".unicodeScalars)).map(\.id) == [3])
        #expect(bpe.id(forToken: "\u{e9}") == 3 && bpe.id(forToken: "e\u{301}") == 2)
    }
}
