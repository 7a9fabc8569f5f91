import Foundation
@testable import KotobaTokenizers
import KotobaJSON

/// One setup's expected outputs, written by training/fixtures/tokenizers_wordpiece.py from tokenizers 0.23.3 /
/// transformers 5.24.0.
struct WordPieceFixture: Sendable {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/wordpiece")
    static let setups = ["uncased", "cased", "cased_strip", "template", "bertproc", "minilm"]

    let json: JSONValue
    let tokenizer: Tokenizer

    /// Every setup, loaded once for all the tests that use it.
    private static let loaded: [String: Result<WordPieceFixture, TokenizerError>] = Dictionary(
        uniqueKeysWithValues: setups.map { setup in
            (setup, Result { () throws(TokenizerError) in try WordPieceFixture(loading: setup) })
        })

    /// The loaded fixture for `setup`.
    static func named(_ setup: String) throws -> WordPieceFixture {
        guard let result = loaded[setup] else { throw TokenizerError.noTokenizerFiles(directory: setup) }
        return try result.get()
    }

    private init(loading setup: String) throws(TokenizerError) {
        json = try readJSON(Self.directory.appendingPathComponent("\(setup).expected.json"))
        let path = Self.directory.appendingPathComponent(json["path"]?.stringValue ?? setup)
        tokenizer = json["source"]?.stringValue == "tokenizer.json"
            ? try Tokenizer.load(tokenizerJSON: path)
            : try Tokenizer.load(directory: path)
    }

    subscript(key: String) -> [JSONValue] { json[key]?.arrayValue ?? [] }
}

/// The expected encoding in a fixture entry, as Kotoba's `Encoding` (with `truncation` left unset).
func expectedEncoding(_ entry: JSONValue) -> Encoding {
    func ints(_ key: String) -> [Int] { entry[key]?.arrayValue?.compactMap(\.intValue) ?? [] }
    return Encoding(
        ids: ints("ids"),
        tokens: entry["tokens"]?.arrayValue?.compactMap(\.stringValue) ?? [],
        offsets: (entry["offsets"]?.arrayValue ?? []).map {
            Offsets($0.arrayValue?.first?.intValue ?? -1, $0.arrayValue?.last?.intValue ?? -1)
        },
        typeIds: ints("type_ids"),
        attentionMask: ints("attention_mask"),
        specialTokensMask: ints("special_tokens_mask"),
        wordIds: (entry["word_ids"]?.arrayValue ?? []).map(\.intValue))
}

/// Field-by-field differences (sequence ids are Kotoba-only and not in the fixtures).
func differences(_ got: Encoding, _ want: Encoding) -> [String] {
    var out: [String] = []
    func check<T: Equatable>(_ name: String, _ a: [T], _ b: [T]) {
        if a != b { out.append("\(name): got \(a) want \(b)") }
    }
    check("ids", got.ids, want.ids)
    if !got.tokens.elementsEqual(want.tokens, by: { $0.unicodeScalars.elementsEqual($1.unicodeScalars) }) {
        out.append("tokens: got \(got.tokens) want \(want.tokens)")
    }
    check("offsets", got.offsets, want.offsets)
    check("type_ids", got.typeIds, want.typeIds)
    check("attention_mask", got.attentionMask, want.attentionMask)
    check("special_tokens_mask", got.specialTokensMask, want.specialTokensMask)
    check("word_ids", got.wordIds, want.wordIds)
    return out
}
