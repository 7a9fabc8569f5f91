import Foundation
import Testing
@testable import KotobaTokenizers
import KotobaJSON

/// Every Unicode scalar through Kotoba's BERT character classes and per-character mappings, against how
/// tokenizers 0.23.3 treats it (Fixtures/wordpiece/unicode_sweep.json, from training/fixtures/unicode_sweep.py).
@Suite struct WordPieceUnicodeSweepTests {
    static let sweep: Result<JSONValue, TokenizerError> = Result { () throws(TokenizerError) in
        try readJSON(WordPieceFixture.directory.appendingPathComponent("unicode_sweep.json"))
    }

    /// The swept blocks: planes 0–3 (everything assigned but tags and private use) and plane 14, plus the
    /// first and last blocks of private-use planes 15–16. The fixture covers all of U+0000–U+10FFFF; planes 4–13
    /// hold no assigned code point and are skipped to keep the debug-build test fast.
    static let sweptBlocks: [ClosedRange<UInt32>] = [0x00000...0x3FFFF, 0xE0000...0xE0FFF, 0xF0000...0xF0FFF, 0x10F000...0x10FFFF]

    static let allScalars: [Unicode.Scalar] = sweptBlocks.flatMap { $0.compactMap(Unicode.Scalar.init(_:)) }

    /// The fixture's inclusive `[first, last]` ranges.
    static func ranges(_ json: [JSONValue]) -> [ClosedRange<UInt32>] {
        json.compactMap { range in
            guard let b = range.arrayValue?.compactMap(\.intValue), b.count == 2, b[0] <= b[1] else { return nil }
            return UInt32(b[0])...UInt32(b[1])
        }
    }

    static func kotobaClass(_ name: String, _ c: Unicode.Scalar) -> Bool {
        let removed = c.value == 0 || c.value == 0xFFFD || BertCharacterClasses.isControl(c)
        switch name {
        case "clean_removed": return removed
        case "clean_to_space": return !removed && BertCharacterClasses.isWhitespace(c)
        case "chinese": return BertCharacterClasses.isChinese(c)
        case "pre_whitespace": return BertCharacterClasses.isRustWhitespace(c)
        case "pre_punctuation": return !BertCharacterClasses.isRustWhitespace(c) && BertCharacterClasses.isPunctuation(c)
        default: return false
        }
    }

    @Test(arguments: ["clean_removed", "clean_to_space", "chinese", "pre_whitespace", "pre_punctuation"])
    func characterClassMatchesTokenizers(name: String) throws {
        let classes = try Self.sweep.get()["classes"]
        let expected = Self.ranges(classes?[name]?.arrayValue ?? [])
        #expect(!expected.isEmpty)
        var wrong: [String] = []
        for c in Self.allScalars where Self.kotobaClass(name, c) != expected.containsScalar(c) {
            wrong.append(String(format: "U+%04X(%@)", c.value, expected.containsScalar(c) ? "tokenizers yes" : "tokenizers no"))
        }
        #expect(wrong.isEmpty, "\(name): \(wrong.count) code points differ: \(wrong.prefix(40).joined(separator: " "))")
    }

    /// FNV-1a 64 over each scalar's output as UTF-32 units plus 0xFFFFFFFF, per block (as unicode_sweep.py).
    static func blockHashes(block: Int, _ map: (Unicode.Scalar) -> [Unicode.Scalar]) -> [UInt64?] {
        var hashes: [UInt64?] = []
        var start: UInt32 = 0
        while start < 0x110000 {
            defer { start += UInt32(block) }
            guard sweptBlocks.contains(where: { $0.contains(start) }) else {
                hashes.append(nil)
                continue
            }
            var h: UInt64 = 0xCBF2_9CE4_8422_2325
            for v in start..<(start + UInt32(block)) {
                guard let c = Unicode.Scalar(v) else { continue }
                for unit in map(c) { h = (h ^ UInt64(unit.value)) &* 0x100_0000_01B3 }
                h = (h ^ 0xFFFF_FFFF) &* 0x100_0000_01B3
            }
            hashes.append(h)
        }
        return hashes
    }

    static let mappings: [String: @Sendable (Unicode.Scalar) -> [Unicode.Scalar]] = [
        "lowercase": { c in
            var s = NormalizedString([c])
            s.lowercase()
            return s.scalars
        },
        "strip_accents": { c in
            var s = NormalizedString([c])
            s.decomposeCanonically()
            s.filter { !BertCharacterClasses.isNonspacingMark($0) }
            return s.scalars
        },
    ]

    @Test(arguments: ["lowercase", "strip_accents"])
    func characterMappingMatchesTokenizers(name: String) throws {
        let sweep = try Self.sweep.get()
        let block = sweep["block"]?.intValue ?? 4096
        let expected = sweep["mapping_hashes"]?[name]?.arrayValue?.compactMap { $0.stringValue.flatMap { UInt64($0, radix: 16) } } ?? []
        let map = try #require(Self.mappings[name])
        let got = Self.blockHashes(block: block, map)
        #expect(expected.count == got.count)
        var report: [String] = []
        #expect(got.compactMap { $0 }.count == 67)
        for (i, (g, e)) in zip(got, expected).enumerated() where g != nil && g != e {
            let first = UInt32(i * block)
            let changed = (first..<(first + UInt32(block))).compactMap(Unicode.Scalar.init(_:)).filter { map($0) != [$0] }
            report.append(String(format: "block U+%04X: Kotoba changes %d scalars, e.g. ", first, changed.count)
                + changed.prefix(8).map { c in String(format: "U+%04X→[%@]", c.value, map(c).map { String(format: "%04X", $0.value) }.joined(separator: " ")) }.joined(separator: ", "))
        }
        #expect(report.isEmpty, "\(name): \(report.count) blocks differ:\n\(report.joined(separator: "\n"))")
    }
}
