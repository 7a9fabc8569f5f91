import Foundation
import Testing
@testable import KotobaTokenizers

/// tokenizer.json Unigram / BPE pipelines against tokenizers 0.23.3 on the committed corpus:
/// `Tokenizer.encode(text, add_special_tokens=False)` ids, tokens, character offsets, and `decode(ids)`.
@Suite struct Seq2SeqTokenizerJSONParityTests {
    static let setups = [
        "unigram.json", "converted_unigram.json", "converted_bpe.json",
        "bytelevel_bpe.json", "bpe_suffix.json", "bpe_prefix.json",
    ]

    @Test(arguments: setups)
    func encodingsAndDecodingEqualTokenizers(_ name: String) throws {
        let tokenizer = try Tokenizer.load(tokenizerJSON: Seq2SeqTokenizerFixtures.url(name))
        let corpus = try Seq2SeqTokenizerFixtures.corpus()
        let expected = try Seq2SeqTokenizerFixtures.decode(
            [Seq2SeqTokenizerFixtures.EncodingRecord].self,
            "expected_\(name.replacingOccurrences(of: ".", with: "_")).json")
        try #require(expected.count == corpus.count)
        var tally = ParityTally()
        for (line, (text, record)) in zip(corpus, expected).enumerated() {
            let encoding = try tokenizer.encode(text, addSpecialTokens: false)
            tally.check(line, text, "ids", got: encoding.ids, expected: record.ids)
            tally.check(line, text, "tokens", got: encoding.tokens, expected: record.tokens)
            tally.check(line, text, "offsets", got: encoding.offsets.map { [$0.start, $0.end] }, expected: record.offsets)
            tally.check(line, text, "decoded", got: tokenizer.decode(record.ids, skipSpecialTokens: false),
                        expected: record.decoded)
        }
        #expect(tally.equal == tally.total, "\(name): \(tally.summary)")
    }
}

/// Tiny tokenizers covering stage options the main setups leave at their defaults (byte-fallback Unigram,
/// ignore_merges, Split behaviours and invert, Strip/Replace/Fuse decoders, Metaspace never/first, ...).
@Suite struct Seq2SeqTokenizerStageOptionTests {
    struct Record: Decodable {
        var line: Int
        var ids: [Int]
        var tokens: [String]
        var offsets: [[Int]]
        var decoded: String
    }

    @Test(arguments: ["stages_a.json", "stages_b.json", "stages_c.json", "stages_d.json"])
    func stageOptionsEqualTokenizers(_ name: String) throws {
        let tokenizer = try Tokenizer.load(tokenizerJSON: Seq2SeqTokenizerFixtures.url(name))
        let corpus = try Seq2SeqTokenizerFixtures.corpus()
        let all = try Seq2SeqTokenizerFixtures.decode([String: [Record]].self, "expected_stages.json")
        let records = try #require(all[name])
        try #require(records.count > 50)
        var tally = ParityTally()
        for record in records {
            let text = corpus[record.line]
            let encoding = try tokenizer.encode(text, addSpecialTokens: false)
            tally.check(record.line, text, "ids", got: encoding.ids, expected: record.ids)
            tally.check(record.line, text, "tokens", got: encoding.tokens, expected: record.tokens)
            tally.check(record.line, text, "offsets", got: encoding.offsets.map { [$0.start, $0.end] },
                        expected: record.offsets)
            tally.check(record.line, text, "decoded", got: tokenizer.decode(record.ids, skipSpecialTokens: false),
                        expected: record.decoded)
        }
        #expect(tally.equal == tally.total, "\(name): \(tally.summary)")
    }
}
