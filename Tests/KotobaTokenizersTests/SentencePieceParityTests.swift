import Foundation
import Testing
@testable import KotobaTokenizers

/// SentencePiece models (`.spm`) against sentencepiece 0.2.3's `encode` / `decode` on the committed corpus.
@Suite struct SentencePieceParityTests {
    @Test(arguments: ["source.spm", "target.spm", "bpe.spm", "user_unigram.spm", "user_bpe.spm"])
    func idsAndDecodedTextEqualSentencePiece(_ name: String) throws {
        let tokenizer = try SentencePieceTokenizer(contentsOf: Seq2SeqTokenizerFixtures.url(name))
        let corpus = try Seq2SeqTokenizerFixtures.corpus()
        let expected = try Seq2SeqTokenizerFixtures.decode(
            [Seq2SeqTokenizerFixtures.SentencePieceRecord].self, "expected_\(name.replacingOccurrences(of: ".", with: "_")).json")
        try #require(expected.count == corpus.count)
        var tally = ParityTally()
        for (line, (text, record)) in zip(corpus, expected).enumerated() {
            let ids = tokenizer.encode(text)
            tally.check(line, text, "ids", got: ids, expected: record.ids)
            tally.check(line, text, "decoded", got: try tokenizer.decode(record.ids), expected: record.decoded)
        }
        #expect(tally.equal == tally.total, "\(name): \(tally.summary)")
    }

    struct FlagRecord: Decodable {
        var line: Int
        var ids: [Int]
        var decoded: String
    }

    /// NormalizerSpec variants: extra whitespace kept (as Llama's model), no dummy prefix, no escaping.
    @Test(arguments: ["bpe_keep_spaces.spm", "unigram_raw_spaces.spm"])
    func normalizerFlagsEqualSentencePiece(_ name: String) throws {
        let tokenizer = try SentencePieceTokenizer(contentsOf: Seq2SeqTokenizerFixtures.url(name))
        let corpus = try Seq2SeqTokenizerFixtures.corpus()
        let all = try Seq2SeqTokenizerFixtures.decode([String: [FlagRecord]].self, "expected_spm_flags.json")
        let records = try #require(all[name])
        try #require(records.count > 50)
        var tally = ParityTally()
        for record in records {
            let text = corpus[record.line]
            tally.check(record.line, text, "ids", got: tokenizer.encode(text), expected: record.ids)
            tally.check(record.line, text, "decoded", got: try tokenizer.decode(record.ids), expected: record.decoded)
        }
        #expect(tally.equal == tally.total, "\(name): \(tally.summary)")
    }

    @Test func modelProtoFieldsMatchTheTrainerSettings() throws {
        let tokenizer = try SentencePieceTokenizer(contentsOf: Seq2SeqTokenizerFixtures.url("bpe.spm"))
        let model = tokenizer.model
        #expect(model.trainerSpec.modelType == .bpe)
        #expect(model.trainerSpec.byteFallback)
        #expect(model.pieces.count == 1500)
        #expect(model.pieces[0] == ModelProto.Piece(piece: "<unk>", score: 0, type: .unknown))
        #expect(model.pieces.filter { $0.type == .byte }.count == 256)
        #expect(model.normalizerSpec.name == "identity")
        #expect(model.normalizerSpec.precompiledCharsmap.isEmpty)
        let source = try SentencePieceTokenizer(contentsOf: Seq2SeqTokenizerFixtures.url("source.spm"))
        #expect(source.model.normalizerSpec.name == "nmt_nfkc")
        #expect(source.model.trainerSpec.modelType == .unigram)
        #expect((source.model.trainerSpec.unkID, source.model.trainerSpec.bosID, source.model.trainerSpec.eosID,
                 source.model.trainerSpec.padID) == (0, 1, 2, -1))
    }

    @Test func byteFallbackDecodesInvalidUTF8AsReplacementCharacters() throws {
        let tokenizer = try SentencePieceTokenizer(contentsOf: Seq2SeqTokenizerFixtures.url("bpe.spm"))
        // E3 81 82 is "あ"; a lone E3 and a lone 80 are each one U+FFFD, as ProcessBytePieces maps them.
        let pieces = ["<0xE3>", "<0x81>", "<0x82>", "<0xE3>", "▁", "<0x80>"]
        #expect(tokenizer.decode(pieces: pieces) == "あ\u{FFFD} \u{FFFD}")
    }
}
