import Foundation
import Testing
@testable import KotobaService

/// `kotoba fill-mask|classify|next-sentence|embed|translate` run as processes: they print the endpoint's
/// JSON for the same input, and exit 1 with the error envelope on stderr for an invalid one.
@Suite struct TaskCommandTests {
    private func run(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = KotobaProcess.executable
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    /// The endpoint's body for the same request, with the model renamed as the command names it (the
    /// directory's last component).
    private func endpoint(_ path: String, _ body: String, model: String, as name: String) -> String {
        let response = ServedFixtures.send(ServedFixtures.shared, .post, path, body: body)
        return String(decoding: response.body, as: UTF8.self)
            .replacingOccurrences(of: #""model":"\#(model)""#, with: #""model":"\#(name)""#)
    }

    /// Equal JSON values, numbers within `tolerance` (absolute, or relative above 1).
    static func sameJSON(_ a: Any, _ b: Any, tolerance: Double) -> Bool {
        switch (a, b) {
        case let (a as [String: Any], b as [String: Any]):
            return a.keys.sorted() == b.keys.sorted() && a.allSatisfy { sameJSON($0.value, b[$0.key]!, tolerance: tolerance) }
        case let (a as [Any], b as [Any]):
            return a.count == b.count && zip(a, b).allSatisfy { sameJSON($0, $1, tolerance: tolerance) }
        case let (a as String, b as String):
            return a == b
        case let (a as NSNumber, b as NSNumber):
            let (x, y) = (a.doubleValue, b.doubleValue)
            return abs(x - y) <= tolerance * max(1, abs(y))
        default:
            return a is NSNull && b is NSNull
        }
    }

    @Test func commandsPrintWhatTheEndpointsAnswer() throws {
        let bert = ServedFixtures.bertDirectory.path
        let cases: [(arguments: [String], path: String, body: String, model: String, name: String)] = [
            (["fill-mask", "--model", "\(bert)/bert-mlm", "--top-k", "2", "paris is the [MASK] of france."],
             "/fill-mask", #"{"text": "paris is the [MASK] of france.", "top_k": 2}"#, "mlm", "bert-mlm"),
            (["classify", "--model", "\(bert)/bert-classifier", "a dog", "a cat"],
             "/classify", #"{"text": ["a dog", "a cat"]}"#, "sentiment", "bert-classifier"),
            (["next-sentence", "--model", "\(bert)/bert-nsp", "the cat sat.", "it was happy."],
             "/next-sentence", #"{"text": "the cat sat.", "text_pair": "it was happy."}"#, "nsp", "bert-nsp"),
            (["embed", "--model", "\(bert)/bert-model", "a dog"], "/embed", #"{"text": "a dog"}"#, "embedder", "bert-model"),
            (["translate", "--model", ServedFixtures.translationDirectory.path, "--beam", "3", "--scores", "Tom is here."],
             "/translate", #"{"text": "Tom is here.", "beam_size": 3, "return_scores": true}"#, "marian", "translation"),
        ]
        for example in cases {
            let result = try run(example.arguments)
            #expect(result.status == 0, "\(example.arguments[0]): \(result.errors)")
            // The command is another process, which may run other GEMM kernels than this one (`kotoba` restarts on
            // a better OpenBLAS core where OpenBLAS fell back; a test process does not): the same JSON, with
            // scores equal to float rounding.
            let printed = try JSONSerialization.jsonObject(with: Data(result.output.utf8))
            let answered = try JSONSerialization.jsonObject(
                with: Data(endpoint(example.path, example.body, model: example.model, as: example.name).utf8))
            #expect(Self.sameJSON(printed, answered, tolerance: 1e-5),
                    "\(example.arguments[0]): \(result.output) against \(answered)")
        }
    }

    @Test func anInvalidInputExitsOneWithTheEnvelope() throws {
        let result = try run(["fill-mask", "--model", ServedFixtures.path("bert-mlm"), "no mask here"])
        #expect(result.status == 1)
        #expect(result.output.isEmpty)
        #expect(result.errors.contains(#""error_type":"validation""#))
        let missing = try run(["classify", "--model", "/nonexistent/model", "a dog"])
        #expect(missing.status == 1)
        #expect(missing.errors.contains("cannot load /nonexistent/model as text-classification"))
    }
}
