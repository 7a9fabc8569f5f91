import Foundation
import Testing
@testable import KotobaTokenizers

/// Kotoba against tokenizers 0.23.3 / transformers 5.24.0 on the committed corpus, for every setup
/// (see training/fixtures/tokenizers_wordpiece.py). Each test reports every mismatching case.
@Suite struct WordPieceParityTests {
    @Test(arguments: WordPieceFixture.setups)
    func encodingsEqualTokenizers(setup: String) throws {
        let fixture = try WordPieceFixture.named(setup)
        var failures: [String] = []
        for entry in fixture["cases"] {
            let text = entry["text"]?.stringValue ?? ""
            let pair = entry["pair"]?.stringValue
            let add = entry["add_special_tokens"]?.boolValue ?? true
            let got = try fixture.tokenizer.encode(text, pair: pair, addSpecialTokens: add)
            for d in differences(got, expectedEncoding(entry)) {
                failures.append("\(text.debugDescription) | \(pair?.debugDescription ?? "-") | special \(add): \(d)")
            }
        }
        #expect(fixture["cases"].count > 100)
        #expect(failures.isEmpty, "\(failures.count) mismatches in \(setup):\n\(failures.prefix(12).joined(separator: "\n"))")
    }

    @Test(arguments: WordPieceFixture.setups)
    func truncationEqualsTokenizers(setup: String) throws {
        let fixture = try WordPieceFixture.named(setup)
        var failures: [String] = []
        for entry in fixture["truncation"] {
            let text = entry["text"]?.stringValue ?? ""
            let pair = entry["pair"]?.stringValue
            let strategy: Truncation.Strategy = switch entry["strategy"]?.stringValue {
            case "only_first": .onlyFirst
            case "only_second": .onlySecond
            default: .longestFirst
            }
            let truncation = Truncation(maxLength: entry["max_length"]?.intValue ?? 0, strategy: strategy,
                                        direction: entry["direction"]?.stringValue == "left" ? .left : .right)
            let label = "\(text.prefix(20)) | \(pair?.prefix(20) ?? "-") | \(truncation)"
            if entry["error"] != nil {
                do {
                    let got = try fixture.tokenizer.encode(text, pair: pair, truncation: truncation)
                    failures.append("\(label): expected a truncation error, got \(got.ids)")
                } catch {
                    guard case .truncation = error else { failures.append("\(label): wrong error \(error)"); continue }
                }
                continue
            }
            let got = try fixture.tokenizer.encode(text, pair: pair, truncation: truncation)
            failures += differences(got, expectedEncoding(entry)).map { "\(label): \($0)" }
            let original = entry["original_length"]?.intValue ?? -1
            let want = TruncationReport(originalLength: original, removedTokens: original - got.count)
            if got.truncation != want { failures.append("\(label): report \(String(describing: got.truncation)) want \(want)") }
        }
        #expect(fixture["truncation"].count >= 16)
        #expect(failures.isEmpty, "\(failures.count) mismatches in \(setup):\n\(failures.prefix(12).joined(separator: "\n"))")
    }

    @Test(arguments: WordPieceFixture.setups)
    func paddedBatchesEqualTokenizers(setup: String) throws {
        let fixture = try WordPieceFixture.named(setup)
        var failures: [String] = []
        for entry in fixture["padding"] {
            let texts = entry["texts"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let pairs = entry["pairs"]?.arrayValue?.compactMap(\.stringValue)
            let padding = Padding(strategy: entry["length"]?.intValue.map(Padding.Strategy.fixed) ?? .batchLongest,
                                  direction: entry["direction"]?.stringValue == "left" ? .left : .right,
                                  padToMultipleOf: entry["pad_to_multiple_of"]?.intValue,
                                  padId: entry["pad_id"]?.intValue ?? 0, padToken: "[PAD]")
            let got = try fixture.tokenizer.encodeBatch(texts, pairs: pairs, padding: padding)
            let want = (entry["encodings"]?.arrayValue ?? []).map(expectedEncoding)
            guard got.count == want.count else { failures.append("\(texts): \(got.count) encodings"); continue }
            for (g, w) in zip(got, want) { failures += differences(g, w).map { "\(texts) \(padding): \($0)" } }
        }
        #expect(failures.isEmpty, "\(failures.count) mismatches in \(setup):\n\(failures.prefix(12).joined(separator: "\n"))")
    }

    @Test(arguments: WordPieceFixture.setups)
    func decodeEqualsTokenizers(setup: String) throws {
        let fixture = try WordPieceFixture.named(setup)
        var failures: [String] = []
        for entry in fixture["decode"] {
            let ids = entry["ids"]?.arrayValue?.compactMap(\.intValue) ?? []
            let skip = entry["skip_special_tokens"]?.boolValue ?? false
            let want = entry["text"]?.stringValue ?? ""
            let got = fixture.tokenizer.decode(ids, skipSpecialTokens: skip)
            if !got.unicodeScalars.elementsEqual(want.unicodeScalars) {
                failures.append("\(ids.prefix(12)) skip \(skip): got \(got.debugDescription) want \(want.debugDescription)")
            }
        }
        #expect(fixture["decode"].count > 100)
        #expect(failures.isEmpty, "\(failures.count) mismatches in \(setup):\n\(failures.prefix(12).joined(separator: "\n"))")
    }

    @Test(arguments: WordPieceFixture.setups)
    func vocabularySizeEqualsTokenizers(setup: String) throws {
        let fixture = try WordPieceFixture.named(setup)
        #expect(fixture.tokenizer.vocabularySize == fixture.json["vocab_size"]?.intValue)
    }
}
