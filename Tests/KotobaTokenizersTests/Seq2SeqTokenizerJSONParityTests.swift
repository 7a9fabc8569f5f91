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
