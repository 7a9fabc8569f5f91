import Foundation
import Testing
@testable import KotobaTokenizers

/// Truncated or garbled `.spm` bytes give a typed `TokenizerError`, never a crash.
@Suite struct SentencePieceCorruptFileTests {
    static func original() throws -> [UInt8] {
        [UInt8](try Data(contentsOf: Seq2SeqTokenizerFixtures.url("bpe.spm")))
    }

    @Test func everyTruncationIsATypedErrorOrAValidModel() throws {
        let bytes = try Self.original()
        // Every prefix length near the start (headers, first pieces) and a stride through the rest.
        let lengths = Array(0..<200) + Array(stride(from: 200, to: bytes.count, by: 97))
        var invalid = 0
        for length in lengths {
            do {
                _ = try SentencePieceTokenizer(serialized: Array(bytes[..<length]), path: "bpe.spm")
            } catch {
                guard case .invalidFile(path: "bpe.spm", _) = error else {
                    Issue.record("length \(length): unexpected \(error)")
                    continue
                }
                invalid += 1
            }
        }
        // A cut inside a field must be refused; a cut between pieces may leave a smaller valid model.
        #expect(invalid > lengths.count / 2)
    }

    @Test func garbledBytesAreATypedErrorOrAValidModel() throws {
        let bytes = try Self.original()
        var generator = SplitMix64(seed: 0x5EED)
        for _ in 0..<300 {
            var garbled = bytes
            for _ in 0..<8 {
                let index = Int(generator.next() % UInt64(garbled.count))
                garbled[index] = UInt8(truncatingIfNeeded: generator.next())
            }
            do {
                let tokenizer = try SentencePieceTokenizer(serialized: garbled, path: "garbled.spm")
                // A model that still parses must still encode without trapping.
                _ = tokenizer.encode("Hello 世界 🍣")
            } catch {
                switch error {
                case .invalidFile(path: "garbled.spm", _), .unsupported: break
                default: Issue.record("unexpected \(error)")
                }
            }
        }
    }

    @Test func emptyFileIsRefused() {
        #expect(throws: TokenizerError.invalidFile(path: "empty.spm", reason: "ModelProto has no pieces")) {
            try SentencePieceTokenizer(serialized: [], path: "empty.spm")
        }
    }

    @Test func garbledCharsMapHeaderIsRefused() throws {
        #expect(throws: TokenizerError.self) {
            try PrecompiledCharsMap([0xFF, 0xFF, 0xFF, 0x7F, 0, 0], path: "x.spm")
        }
    }
}

/// A tiny deterministic generator so the garbling is the same on every run.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
