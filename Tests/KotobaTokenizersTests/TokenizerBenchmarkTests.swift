import Foundation
import Testing
import KotobaTokenizers

/// Throughput on WikiText-2 (test), Kotoba against tokenizers in one invocation, plus id parity on every line.
/// Off unless KOTOBA_BENCH is set; meant for a release build:
///     KOTOBA_BENCH=1 swift test -c release --filter TokenizerBenchmarkTests
@Suite(.enabled(if: ProcessInfo.processInfo.environment["KOTOBA_BENCH"] != nil))
struct TokenizerBenchmarkTests {
    static let wikitext = URL(fileURLWithPath: "/work/shared/data/wikitext/wiki.test.raw")
    static let python = "/opt/kotoba-venv/bin/python"

    /// tokenizers (Python), single-threaded `encode` per line and `encode_batch`; prints timings, writes ids.
    static let reference = """
        import json, sys, time
        from transformers import AutoTokenizer
        tok = AutoTokenizer.from_pretrained(sys.argv[1]).backend_tokenizer
        lines = [l for l in open(sys.argv[2], encoding="utf-8").read().split("\\n") if l.strip()]
        t = time.perf_counter(); encs = [tok.encode(l) for l in lines]; single = time.perf_counter() - t
        t = time.perf_counter(); tok.encode_batch(lines); batch = time.perf_counter() - t
        json.dump([e.ids for e in encs], open(sys.argv[3], "w"))
        print(json.dumps({"tokens": sum(len(e.ids) for e in encs), "single_s": single, "batch_s": batch}))
        """

    @Test func wikitextThroughputAndParity() throws {
        let tokenizer = try Tokenizer.load(directory: WordPieceFixture.directory.appendingPathComponent("minilm"))
        let text = try String(contentsOf: Self.wikitext, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            .filter { !$0.allSatisfy(\.isWhitespace) }
        var encodings: [Encoding] = []
        encodings.reserveCapacity(lines.count)
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for line in lines { encodings.append(try tokenizer.encode(line)) }
        }
        let tokens = encodings.reduce(0) { $0 + $1.count }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        print(String(format: "Kotoba    : %d lines, %d tokens in %.3f s = %.0f tokens/s (1 thread)",
                     lines.count, tokens, seconds, Double(tokens) / seconds))

        let idsFile = FileManager.default.temporaryDirectory.appendingPathComponent("kotoba-wikitext-ids.json")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = ["-c", Self.reference, WordPieceFixture.directory.appendingPathComponent("minilm").path,
                             Self.wikitext.path, idsFile.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let report = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Double])
        let single = report["single_s"] ?? .nan
        let batch = report["batch_s"] ?? .nan
        print(String(format: "tokenizers: %.0f tokens in %.3f s = %.0f tokens/s (encode per line), %.3f s = %.0f tokens/s (encode_batch, all threads)",
                     report["tokens"] ?? 0, single, Double(tokens) / single, batch, Double(tokens) / batch))

        let expected = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: idsFile)) as? [[Int]])
        #expect(expected.count == encodings.count)
        let mismatched = zip(expected, encodings).enumerated().filter { $0.element.0 != $0.element.1.ids }.map(\.offset)
        print("parity: \(encodings.count - mismatched.count)/\(encodings.count) lines equal")
        #expect(mismatched.isEmpty, "lines differ: \(mismatched.prefix(10).map { lines[$0].prefix(60) })")
    }
}
