import Foundation
import Testing
@testable import KotobaTokenizers

/// Split regexes of real tokenizer.json files (GPT-4 cl100k / Llama 3, Qwen2, GPT-2, `\w+|[^\w\s]+`, `\d+`):
/// Swift Regex over scalars against tokenizers' Oniguruma, Isolated split offsets on every corpus line.
@Suite struct PreTokenizerSplitPatternTests {
    @Test func splitOffsetsEqualOniguruma() throws {
        let corpus = try Seq2SeqTokenizerFixtures.corpus()
        let expected = try Seq2SeqTokenizerFixtures.decode([String: [[Int]]].self, "expected_split_patterns.json")
        try #require(expected.count == 5)
        for (pattern, lines) in expected.sorted(by: { $0.key < $1.key }) {
            let split = Split(pattern: try TokenizerPattern.regex(pattern, stage: "test"), behavior: .isolated)
            var tally = ParityTally()
            for (line, (text, offsets)) in zip(corpus, lines).enumerated() {
                var words = PreTokenizedString(Array(text.unicodeScalars))
                try split.preTokenize(&words)
                let got = words.splits.flatMap { [$0.normalized.originalSpan.start, $0.normalized.originalSpan.end] }
                tally.check(line, text, "offsets", got: got, expected: offsets)
            }
            #expect(tally.equal == tally.total, "\(pattern): \(tally.summary)")
        }
    }
}
