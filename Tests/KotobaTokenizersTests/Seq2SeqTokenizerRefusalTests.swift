import Foundation
import Testing
@testable import KotobaTokenizers

/// What Kotoba cannot reproduce exactly is refused with a typed error naming the stage.
@Suite struct Seq2SeqTokenizerRefusalTests {
    /// A minimal tokenizer.json around a Unigram model, with one stage replaced by `stage: json`.
    static func file(_ stage: String, _ json: String) -> String {
        var parts: [String: String] = [
            "normalizer": "null", "pre_tokenizer": "null", "post_processor": "null", "decoder": "null",
            "model": #"{"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0], ["a", -1.0]]}"#,
        ]
        parts[stage] = json
        let body = parts.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ")
        return "{\"version\": \"1.0\", \"added_tokens\": [], \(body)}"
    }

    static func load(_ text: String) throws -> Tokenizer {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kotoba-spm-\(UUID().uuidString).json")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try Tokenizer.load(tokenizerJSON: url)
    }

    @Test(arguments: [
        ("normalizer", "Nmt"), ("normalizer", "Prepend"), ("pre_tokenizer", "UnicodeScripts"),
        ("pre_tokenizer", "FixedLength"), ("model", "WordLevel"), ("decoder", "CTC"),
    ])
    func unknownTypeIsUnsupported(_ stage: String, _ type: String) throws {
        #expect(throws: TokenizerError.unsupported(stage: stage, type: type)) {
            try Self.load(Self.file(stage, "{\"type\": \"\(type)\"}"))
        }
    }

    @Test func unknownTypeInsideASequenceIsUnsupported() throws {
        let json = #"{"type": "Sequence", "normalizers": [{"type": "NFKC"}, {"type": "Nmt"}]}"#
        #expect(throws: TokenizerError.unsupported(stage: "normalizer", type: "Nmt")) {
            try Self.load(Self.file("normalizer", json))
        }
    }

    @Test func bpeDropoutIsRefused() throws {
        let model = #"{"type": "BPE", "dropout": 0.1, "vocab": {"a": 0}, "merges": []}"#
        #expect(throws: TokenizerError.unsupportedOption(stage: "model BPE", option: "dropout", value: "0.1")) {
            try Self.load(Self.file("model", model))
        }
    }

    @Test func regexSwiftCannotCompileIsRefused() throws {
        let json = #"{"type": "Replace", "pattern": {"Regex": "(?<=a"}, "content": ""}"#
        #expect(throws: TokenizerError.unsupportedOption(stage: "normalizer Replace", option: "pattern Regex", value: "(?<=a")) {
            try Self.load(Self.file("normalizer", json))
        }
    }

    @Test func mergeOutsideTheVocabularyIsAMissingToken() throws {
        let model = #"{"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": [["a", "b"]]}"#
        #expect(throws: TokenizerError.missingToken(stage: "model BPE merges", token: "ab")) {
            try Self.load(Self.file("model", model))
        }
    }

    /// Found by the tokenizer-json fuzz target: an id past 2^31 trapped while building WordPiece's trie.
    /// WordPiece keeps ids as `Int` and loads; BPE packs them into 32 bits, so it refuses with the entry named.
    @Test func vocabularyIDsPast32BitsLoadOrAreRefusedWithoutATrap() throws {
        let wordPiece = #"{"type": "WordPiece", "unk_token": "[UNK]", "vocab": {"[UNK]": 0, "big": 11111111111116}}"#
        let tokenizer = try Self.load(Self.file("model", wordPiece))
        #expect(tokenizer.model.id(forToken: "big") == 11_111_111_111_116)
        let bpe = #"{"type": "BPE", "vocab": {"a": 0, "b": 4294967296}, "merges": []}"#
        let error = #expect(throws: TokenizerError.self) { try Self.load(Self.file("model", bpe)) }
        #expect(error.map { "\($0)".contains(#"model BPE: vocab entry "b" has id 4294967296, outside 0...2147483647"#) } == true)
    }

    @Test func unigramUnknownIDOutsideTheVocabularyIsRefused() throws {
        let model = #"{"type": "Unigram", "unk_id": 5, "vocab": [["a", -1.0]]}"#
        #expect(throws: TokenizerError.self) { try Self.load(Self.file("model", model)) }
    }

    @Test func sentencePieceWordModelIsUnsupported() throws {
        // ModelProto { pieces { piece: "<unk>" type: UNKNOWN } trainer_spec { model_type: WORD } }
        let bytes: [UInt8] = [0x0A, 0x09, 0x0A, 0x05] + Array("<unk>".utf8) + [0x18, 0x02, 0x12, 0x02, 0x18, 0x03]
        #expect(throws: TokenizerError.unsupported(stage: "sentencepiece model", type: "WORD")) {
            try SentencePieceTokenizer(serialized: bytes, path: "word.spm")
        }
    }
}
