import Foundation
import Testing
@testable import KotobaHTTP

/// Seeded mutations of the corpus: the parser must always terminate with a verdict, and the server must
/// answer or close cleanly — never crash or hang.
@Suite struct FuzzTests {
    /// SplitMix64: small, seeded, the same on every machine.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let interesting: [UInt8] = [0x00, 0x09, 0x0A, 0x0D, 0x20, 0x3A, 0x3B, 0x2C, 0x7F, 0x80, 0xFF,
                                       UInt8(ascii: "0"), UInt8(ascii: "f"), UInt8(ascii: "-")]

    static func mutate(_ input: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            guard !bytes.isEmpty else { bytes = [0x0D]; continue }
            let at = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<7, using: &rng) {
            case 0: bytes[at] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng))
            case 1: bytes[at] = interesting.randomElement(using: &rng) ?? 0
            case 2: bytes.insert(interesting.randomElement(using: &rng) ?? 0, at: at)
            case 3: bytes.remove(at: at)
            case 4: bytes = Array(bytes[..<at])
            case 5: bytes.insert(contentsOf: [0x0D, 0x0A], at: at)
            default:
                let end = min(bytes.count, at + Int.random(in: 1...16, using: &rng))
                bytes.insert(contentsOf: bytes[at..<end], at: at)
            }
        }
        return bytes
    }

    @Test func parserAlwaysReachesAVerdictOnMutatedCorpus() {
        var rng = SeededGenerator(state: 0x6B6F_746F_6261)
        var verdicts: [String: Int] = [:]
        for item in Corpus.cases {
            let original = item.bytes
            for _ in 0..<300 {
                let mutated = Self.mutate(original, using: &rng)
                // Corpus.parse preconditions on progress; a verdict is request, refusal or incomplete.
                let outcome = Corpus.parse(mutated)
                verdicts[outcome.description, default: 0] += 1
                if case let .refused(status) = outcome {
                    #expect([400, 413, 414, 417, 431, 501, 505].contains(status))
                }
            }
        }
        #expect(verdicts.values.reduce(0, +) == Corpus.cases.count * 300)
        #expect(verdicts.keys.count >= 4, "mutations should reach several verdicts: \(verdicts)")
    }

    @Test func serverAnswersOrClosesOnMutatedCorpus() throws {
        let server = try TestServer()
        var rng = SeededGenerator(state: 42)
        for item in Corpus.cases {
            for _ in 0..<4 {
                let client = try RawClient(port: server.port, receiveTimeout: 3)
                client.send(Self.mutate(item.bytes, using: &rng))
                // FIN tells the server no more is coming, so an incomplete request ends in a close, not a wait.
                client.shutdownWrite()
                var sawEnd = false
                for _ in 0..<8 {
                    do {
                        _ = try client.readResponse()
                    } catch {
                        #expect(error != .timedOut, "\(item.file): neither answered nor closed")
                        #expect(error != .malformed(""), "\(item.file)")
                        sawEnd = true
                        break
                    }
                }
                #expect(sawEnd, "\(item.file): connection still open")
            }
        }
        // Still healthy afterwards.
        let client = try RawClient(port: server.port)
        client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try client.readResponse().status == 200)
    }
}
