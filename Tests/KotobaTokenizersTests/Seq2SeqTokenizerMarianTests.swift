import Foundation
import Testing
@testable import KotobaTokenizers

/// MarianTokenizer (source.spm, target.spm, vocab.json) against transformers 5.24.0 on the committed corpus.
@Suite struct Seq2SeqTokenizerMarianTests {
    @Test func sourceAndTargetIdsAndDecodingEqualTransformers() throws {
        let marian = try MarianTokenizer(directory: Seq2SeqTokenizerFixtures.directory)
        let corpus = try Seq2SeqTokenizerFixtures.corpus()
        let expected = try Seq2SeqTokenizerFixtures.decode(
            [Seq2SeqTokenizerFixtures.MarianRecord].self, "expected_marian.json")
        try #require(expected.count == corpus.count)
        var tally = ParityTally()
        for (line, (text, record)) in zip(corpus, expected).enumerated() {
            tally.check(line, text, "source ids", got: marian.encodeSource(text), expected: record.source_ids)
            tally.check(line, text, "target ids", got: marian.encodeTarget(text), expected: record.target_ids)
            tally.check(line, text, "target decoded", got: marian.decodeTarget(record.target_ids),
                        expected: record.target_decoded)
            tally.check(line, text, "source decoded", got: marian.decodeSource(record.source_ids),
                        expected: record.source_decoded)
        }
        #expect(tally.equal == tally.total, "marian: \(tally.summary)")
    }

    @Test func specialTokensInTextAreSplitOutBeforeSentencePiece() throws {
        let marian = try MarianTokenizer(directory: Seq2SeqTokenizerFixtures.directory)
        // transformers: 'a</s>b c' → ['▁a', '</s>', '▁', 'b', '▁c', '</s>'] → [8, 0, 11, 66, 126, 0].
        #expect(marian.encodeSource("a</s>b c") == [8, 0, 11, 66, 126, 0])
        #expect(marian.encodeSource("x <unk> y") == [11, 337, 1, 11, 33, 0])
    }

    @Test func decodingKeepsSpecialTokensWhenAskedAsTransformersDoes() throws {
        let marian = try MarianTokenizer(directory: Seq2SeqTokenizerFixtures.directory)
        // transformers 5.24.0, decode(..., use_source_tokenizer=True): each special token closes a SentencePiece
        // run and is followed by a space, then "▁" → " " and strip.
        #expect(marian.decodeSource([8, 0, 11, 66, 126, 0], skipSpecialTokens: false) == "a</s> b c</s>")
        #expect(marian.decodeSource([11, 337, 1, 11, 33, 0], skipSpecialTokens: false) == "x<unk> y</s>")
        #expect(marian.decodeSource([1, 59, 1, 26, 0], skipSpecialTokens: false) == "<unk> he<unk> o</s>")
        #expect(marian.decodeSource([1, 59, 1, 26, 0]) == "heo")
        // A language code that is not in vocab.json is kept as a token and maps to <unk>, as transformers does.
        #expect(marian.encodeSource(">>ja<< hello") == [1, 59, 1, 26, 0])
    }
}
