import Foundation

/// The committed seq2seq tokenizer fixtures written by training/fixtures/tokenizers_seq2seq.py.
enum Seq2SeqTokenizerFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/seq2seq")

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    static func decode<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: url(name)))
    }

    /// corpus.json: record i of every expected_*.json belongs to line i.
    static func corpus() throws -> [String] { try decode([String].self, "corpus.json") }

    /// A SentencePieceProcessor reference record.
    struct SentencePieceRecord: Decodable {
        var ids: [Int]
        var decoded: String
    }

    /// A MarianTokenizer reference record.
    struct MarianRecord: Decodable {
        var source_ids: [Int]
        var target_ids: [Int]
        var source_decoded: String
        var target_decoded: String
    }

    /// A tokenizers `Tokenizer.encode(add_special_tokens=False)` reference record; offsets in characters.
    struct EncodingRecord: Decodable {
        var ids: [Int]
        var tokens: [String]
        var offsets: [[Int]]
        var decoded: String
    }
}

/// Counts cases equal to the reference and keeps the first few differences for the failure message.
struct ParityTally {
    var equal = 0
    var total = 0
    var firstDifferences: [String] = []

    mutating func check<T: Equatable>(_ line: Int, _ text: String, _ what: String, got: T, expected: T) {
        total += 1
        if got == expected {
            equal += 1
        } else if firstDifferences.count < 5 {
            firstDifferences.append("line \(line) \(text.debugDescription) \(what): got \(got), expected \(expected)")
        }
    }

    var summary: String { "\(equal)/\(total) equal\n" + firstDifferences.joined(separator: "\n") }
}
