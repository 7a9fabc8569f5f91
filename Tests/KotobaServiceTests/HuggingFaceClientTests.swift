import Foundation
import KotobaHTTP
import Logging
import Testing
@testable import KotobaService

/// Kotoba driven by the real `huggingface_hub` InferenceClient (2.4.0 from PyPI, installed by
/// `scripts/install-hf-client.sh`, which `make test` runs): what the client parses must equal what the
/// native endpoints answer for the same inputs.
@Suite struct HuggingFaceClientTests {
    static let python = KotobaProcess.repositoryRoot
        .appendingPathComponent(".build/tools/huggingface-hub-2.4.0/bin/python").path
    static let script = KotobaProcess.repositoryRoot.appendingPathComponent("scripts/hf-inference-client.py").path

    /// Whether the venv exists and imports the client; the test skips (and says so) without it.
    static var clientInstalled: Bool {
        guard FileManager.default.isExecutableFile(atPath: python) else { return false }
        let check = Process()
        check.executableURL = URL(fileURLWithPath: python)
        check.arguments = ["-c", "import huggingface_hub, numpy"]
        check.standardError = FileHandle.nullDevice
        do { try check.run() } catch { return false }
        check.waitUntilExit()
        return check.terminationStatus == 0
    }

    @Test(.enabled(if: clientInstalled,
                   "huggingface-hub 2.4.0 is not installed in .build/tools; run scripts/install-hf-client.sh (needs PyPI)"))
    func inferenceClientReadsFillMaskClassificationEmbeddingsAndTranslations() throws {
        var configuration = ServiceConfiguration()
        configuration.port = 0
        configuration.models = ServedFixtures.specs
        configuration.inferenceWorkers = 2
        let service = try Service(configuration: configuration, loaders: ServeRunner.builtInLoaders,
                              logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let port = try service.start()
        defer { service.beginShutdown() }
        waitUntil { service.catalog.allReady }
        #expect(service.catalog.allReady)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = [Self.script, String(port)]
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("kotoba-hf-\(port)").path
        process.environment = ["HF_HOME": home, "HF_HUB_DISABLE_TELEMETRY": "1", "HF_HUB_OFFLINE": "0",
                               "PATH": "/usr/bin:/bin", "NO_PROXY": "127.0.0.1"]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let failure = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "client failed: \(failure)")
        let parsed = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])

        let router = service.responder
        let native = try nativeResults(router, "/fill-mask", ["text": "the cat [MASK] on the mat.", "top_k": 3])
        let masks = try #require(parsed["fill_mask"] as? [[String: Any]])
        let expectedMasks = try #require(native.first?["predictions"] as? [[[String: Any]]]).first ?? []
        #expect(masks.map { $0["token"] as? Int } == expectedMasks.map { $0["token"] as? Int })
        #expect(masks.map { $0["sequence"] as? String } == expectedMasks.map { $0["sequence"] as? String })
        #expect(zip(masks, expectedMasks).allSatisfy { abs((number($0["score"]) ?? .nan) - (number($1["score"]) ?? 0)) < 1e-6 })

        let labels = try #require(parsed["text_classification"] as? [[String: Any]])
        let expectedLabels = try #require(try nativeResults(router, "/classify", ["text": "the cat sat on the mat.", "top_k": 2]).first?["predictions"] as? [[String: Any]])
        #expect(labels.map { $0["label"] as? String } == expectedLabels.map { $0["label"] as? String })
        #expect(labels.count == 2)

        let vector = try #require(parsed["feature_extraction"] as? [String: Any])
        let expectedVector = try #require(try nativeResults(router, "/embed", ["text": "a dog"]).first?["embedding"] as? [Any])
        #expect(vector["dtype"] as? String == "float32")
        #expect(vector["shape"] as? [Int] == [expectedVector.count])
        let got = (vector["data"] as? [Any] ?? []).map { number($0) ?? .nan }
        #expect(zip(got, expectedVector.map { number($0) ?? .nan }).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(parsed["feature_extraction_list_shape"] as? [Int] == [2, expectedVector.count])
        #expect(parsed["unknown_model_status"] as? Int == 404)

        let translation = try #require(parsed["translation"] as? String)
        let expectedTranslation = try #require(try nativeResults(router, "/translate", ["text": "Tom is here.", "beam_size": 3, "max_new_tokens": 12]).first?["translations"] as? [[String: Any]])
        #expect(translation == expectedTranslation.first?["translation_text"] as? String)
        #expect(!translation.isEmpty)
    }

    private func nativeResults(_ router: some HTTPResponder, _ path: String, _ body: [String: Any]) throws -> [[String: Any]] {
        let response = ServedFixtures.send(router, .post, path, bytes: Array(try JSONSerialization.data(withJSONObject: body)))
        #expect(response.status == .ok)
        return try #require(try ServedFixtures.json(response)["results"] as? [[String: Any]])
    }
}
