import Foundation
import Testing
@testable import KotobaTokenizers

/// Invariants and error paths of the public `Tokenizer` API, on the real uncased BERT vocabulary.
@Suite struct TokenizerBehaviourTests {
    static let minilm = WordPieceFixture.directory.appendingPathComponent("minilm")

    static func temporaryDirectory(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kotoba-tok-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, content) in files {
            try Data(content.utf8).write(to: url.appendingPathComponent(name))
        }
        return url
    }

    @Test func specialTokenIdsComeFromTheConfiguration() throws {
        let tokenizer = try Tokenizer.load(directory: Self.minilm)
        #expect(tokenizer.specialTokens == SpecialTokens(cls: 101, sep: 102, pad: 0, mask: 103, unk: 100))
        #expect(tokenizer.vocabularySize == 30522)
        #expect(tokenizer.modelMaxLength == 512)
        #expect(tokenizer.id(forToken: "[MASK]") == 103)
        #expect(tokenizer.token(forId: 2023) == "this")
    }

    @Test func everyIdRoundTripsThroughItsToken() throws {
        let tokenizer = try Tokenizer.load(directory: Self.minilm)
        for id in 0..<tokenizer.vocabularySize {
            let token = try #require(tokenizer.token(forId: id))
            #expect(tokenizer.id(forToken: token) == id, "id \(id) token \(token)")
        }
    }

    @Test func paddedBatchEqualsEachInputAlone() throws {
        let tokenizer = try Tokenizer.load(directory: Self.minilm)
        let texts = ["Hello, world!", "A longer sentence, with [MASK] and accents: café.", "", "我爱北京"]
        for direction in [Padding.Direction.right, .left] {
            let batch = try tokenizer.encodeBatch(texts, padding: Padding(direction: direction, padId: 0))
            let width = batch.map(\.count).max() ?? 0
            for (text, padded) in zip(texts, batch) {
                let alone = try tokenizer.encode(text)
                #expect(padded.count == width)
                let real = padded.attentionMask.enumerated().filter { $0.element == 1 }.map(\.offset)
                var unpadded = padded
                unpadded.keep(real.first!..<(real.last! + 1))
                #expect(unpadded == alone, "\(text) \(direction)")
            }
        }
    }

    @Test func offsetsPointAtTheTokensCharacters() throws {
        let tokenizer = try Tokenizer.load(directory: Self.minilm)
        let text = "Unaffable tokenizers split words, e.g. playing!"
        let encoding = try tokenizer.encode(text)
        let scalars = Array(text.unicodeScalars)
        for (token, offsets) in zip(encoding.tokens, encoding.offsets) where offsets != .none {
            let piece = String(String.UnicodeScalarView(scalars[offsets.start..<offsets.end])).lowercased()
            let bare = token.hasPrefix("##") ? String(token.dropFirst(2)) : token
            #expect(piece == bare, "\(token) at \(offsets)")
        }
    }

    @Test func truncationReportsWhatWasRemoved() throws {
        let tokenizer = try Tokenizer.load(directory: Self.minilm)
        let full = try tokenizer.encode("one two three four five six")
        let cut = try tokenizer.encode("one two three four five six", truncation: Truncation(maxLength: 5))
        #expect(cut.ids == Array(full.ids.prefix(4)) + [102])
        #expect(cut.truncation == TruncationReport(originalLength: full.count, removedTokens: full.count - 5))
        #expect(cut.truncation?.wasTruncated == true)
        let fits = try tokenizer.encode("one", truncation: Truncation(maxLength: 5))
        #expect(fits.truncation == TruncationReport(originalLength: 3, removedTokens: 0))
        #expect(try tokenizer.encode("one").truncation == nil)
    }

    @Test func onlySecondWithoutPairIsATruncationError() throws {
        let tokenizer = try Tokenizer.load(directory: Self.minilm)
        #expect(throws: TokenizerError.truncation("only_second truncation needs a second sequence")) {
            _ = try tokenizer.encode("one two three", truncation: Truncation(maxLength: 3, strategy: .onlySecond))
        }
    }

    @Test func directoryWithoutTokenizerFilesIsNamed() throws {
        let dir = try Self.temporaryDirectory([:])
        #expect(throws: TokenizerError.noTokenizerFiles(directory: dir.path)) { _ = try Tokenizer.load(directory: dir) }
    }

    @Test func unknownStageInTokenizerJSONIsUnsupported() throws {
        let dir = try Self.temporaryDirectory(["tokenizer.json": """
            {"normalizer": {"type": "Frobnicate"}, "model": {"type": "WordPiece", "vocab": {"[UNK]": 0}}}
            """])
        #expect(throws: TokenizerError.unsupported(stage: "normalizer", type: "Frobnicate")) {
            _ = try Tokenizer.load(directory: dir)
        }
    }

    @Test func malformedTokenizerJSONNamesTheFile() throws {
        let dir = try Self.temporaryDirectory(["tokenizer.json": #"{"model": {"type": "WordPiece", "vocab": {"a": }}}"#])
        let path = dir.appendingPathComponent("tokenizer.json").path
        do {
            _ = try Tokenizer.load(directory: dir)
            Issue.record("loaded a malformed file")
        } catch {
            guard case let .invalidFile(p, reason) = error else { Issue.record("wrong error \(error)"); return }
            #expect(p == path)
            #expect(reason.contains("byte"))
        }
    }

    @Test func wrongFieldTypeNamesStageAndField() throws {
        let dir = try Self.temporaryDirectory(["tokenizer.json": """
            {"normalizer": {"type": "BertNormalizer", "lowercase": "yes"}, "model": {"type": "WordPiece", "vocab": {}}}
            """])
        do {
            _ = try Tokenizer.load(directory: dir)
            Issue.record("loaded a bad field")
        } catch {
            guard case let .invalidFile(_, reason) = error else { Issue.record("wrong error \(error)"); return }
            #expect(reason.contains("BertNormalizer") && reason.contains("lowercase"))
        }
    }

    @Test func missingUnknownTokenFailsOnlyWhenNeeded() throws {
        let dir = try Self.temporaryDirectory(["vocab.txt": "[CLS]\n[SEP]\nhello\n"])
        let tokenizer = try Tokenizer.load(directory: dir)
        #expect(try tokenizer.encode("hello").ids == [0, 2, 1])
        #expect(throws: TokenizerError.missingToken(stage: "model WordPiece", token: "[UNK]")) {
            _ = try tokenizer.encode("goodbye")
        }
    }

    /// Expected values from transformers 5.24 `AutoTokenizer` on this exact vocab.txt: a lone \r stays inside a
    /// token, \r\n and trailing spaces are trimmed, an empty line is the empty token, and the special tokens
    /// missing from the file are appended in the order sep, pad, cls, mask.
    @Test func vocabularyLinesFollowTokenizersReadFile() throws {
        let dir = try Self.temporaryDirectory(["vocab.txt": "[UNK]\r\n[CLS]\r[SEP]\nab\n##c \n\n"])
        let tokenizer = try Tokenizer.load(directory: dir)
        #expect(tokenizer.id(forToken: "[UNK]") == 0)
        #expect(tokenizer.id(forToken: "[CLS]\r[SEP]") == 1)
        #expect(tokenizer.id(forToken: "##c") == 3)
        #expect(tokenizer.id(forToken: "") == 4)
        #expect(tokenizer.specialTokens == SpecialTokens(cls: 7, sep: 5, pad: 6, mask: 8, unk: 0))
        #expect(tokenizer.vocabularySize == 9)
        let encoding = try tokenizer.encode("abc")
        #expect(encoding.tokens == ["[CLS]", "ab", "##c", "[SEP]"])
        #expect(encoding.ids == [7, 2, 3, 5])
    }

    /// 20,000 combining marks on one letter (tokenizers: `[CLS] a b [SEP]`, offsets (0, 1) and (20002, 20003)).
    @Test(.timeLimit(.minutes(1))) func thousandsOfCombiningMarksStayLinearish() throws {
        let tokenizer = try Tokenizer.load(directory: Self.minilm)
        let text = "a" + String(repeating: "\u{301}\u{323}\u{302}\u{316}", count: 5000) + " b"
        let clock = ContinuousClock()
        var encoding = Encoding()
        let elapsed = try clock.measure { encoding = try tokenizer.encode(text) }
        #expect(encoding.tokens == ["[CLS]", "a", "b", "[SEP]"])
        #expect(encoding.offsets == [.none, Offsets(0, 1), Offsets(20002, 20003), .none])
        #expect(elapsed < .seconds(5))
    }

    @Test func canonicalReorderingIsStableByCombiningClass() {
        // U+0316 (220) and U+0323 (220) keep their order; U+0301 and U+0302 (230) move after them.
        var text = NormalizedString("a\u{301}\u{316}\u{302}\u{323}")
        text.decomposeCanonically()
        #expect(text.scalars == ["a", "\u{316}", "\u{323}", "\u{301}", "\u{302}"])
        #expect(text.alignments == (0..<5).map { Offsets($0, $0 + 1) })
        // tokenizers (NFD + per-character split): "é\u{316}" → e (0,1), U+0316 (1,2), U+0301 (1,2): the moved
        // mark keeps its +1 change and aligns with the scalar before it, positionally.
        var moved = NormalizedString("\u{E9}\u{316}")
        moved.decomposeCanonically()
        #expect(moved.scalars == ["e", "\u{316}", "\u{301}"])
        #expect(moved.alignments == [Offsets(0, 1), Offsets(1, 2), Offsets(1, 2)])
        var long = NormalizedString("a" + String(repeating: "\u{301}\u{316}", count: 40))
        long.decomposeCanonically()
        #expect(long.scalars == ["a"] + Array(repeating: "\u{316}", count: 40) + Array(repeating: "\u{301}", count: 40))
    }

    /// Expected from transformers 5.24 on the real vocabulary with `split_special_tokens: true` (and
    /// `do_basic_tokenize: false`, which transformers 5 ignores).
    @Test func splitSpecialTokensTreatsThemAsText() throws {
        let vocab = try String(contentsOf: Self.minilm.appendingPathComponent("vocab.txt"), encoding: .utf8)
        let dir = try Self.temporaryDirectory([
            "vocab.txt": vocab,
            "tokenizer_config.json": #"{"do_lower_case": true, "split_special_tokens": true, "do_basic_tokenize": false}"#,
        ])
        let tokenizer = try Tokenizer.load(directory: dir)
        let encoding = try tokenizer.encode("Paris is the [MASK] of [CLS] France.")
        #expect(encoding.ids == [101, 3000, 2003, 1996, 1031, 7308, 1033, 1997, 1031, 18856, 2015, 1033, 2605, 1012, 102])
        #expect(tokenizer.decode(encoding.ids, skipSpecialTokens: true) == "paris is the [ mask ] of [ cls ] france.")
    }
}
