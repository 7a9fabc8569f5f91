import Foundation
import Logging
import Testing
@testable import KotobaService

/// The service over a real socket, driven by curl: a task request end to end, 413 from the HTTP layer in
/// the same envelope, and the task metrics it leaves behind.
@Suite struct LiveServiceTests {
    static var curlInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") }

    private func curl(_ arguments: [String]) throws -> (status: Int, body: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-s", "-w", "\n%{http_code}"] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let split = text.lastIndex(of: "\n") ?? text.endIndex
        return (Int(text[split...].trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0, String(text[..<split]))
    }

    @Test(.enabled(if: curlInstalled, "needs /usr/bin/curl"))
    func taskRequestsOverASocketWithTheBodyLimitAndMetrics() throws {
        var configuration = ServiceConfiguration()
        configuration.port = 0
        configuration.limits.maxBodyBytes = 512
        configuration.inferenceWorkers = 1
        configuration.models = [ServedFixtures.specs[0]]
        let service = try Service(configuration: configuration, loaders: ServeRunner.builtInLoaders,
                              logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let port = try service.start()
        defer { service.beginShutdown() }
        waitUntil { service.catalog.allReady }
        let base = "http://127.0.0.1:\(port)"

        let ok = try curl(["-H", "X-Request-ID: live-1", "-d", #"{"text": "a [MASK] dog", "top_k": 1}"#, "\(base)/fill-mask"])
        #expect(ok.status == 200, "\(ok.body)")
        #expect(ok.body.hasPrefix(#"{"model":"mlm","results":[{"input_tokens":5,"predictions":[[{"score":"#))

        let large = String(repeating: "a", count: 2000)
        let refused = try curl(["-H", "X-Request-ID: live-2", "-d", #"{"text": "\#(large) [MASK]"}"#, "\(base)/fill-mask"])
        #expect(refused.status == 413)
        #expect(refused.body.contains(#""error_type":"payload_too_large""#), "\(refused.body)")
        #expect(refused.body.contains(#""request_id":""#), "\(refused.body)")

        let metrics = try ParsedExposition(try curl(["\(base)/metrics"]).body)
        #expect(metrics.value("kotoba_request_count", ["model": "mlm", "task": "fill-mask"]) == 1)
        #expect(metrics.value("kotoba_request_success", ["model": "mlm", "task": "fill-mask"]) == 1)
        #expect(metrics.value("kotoba_batch_size_count", ["model": "mlm"]) == 1)
        #expect(metrics.value("kotoba_request_input_tokens", ["model": "mlm", "task": "fill-mask"]) == 5)
        #expect(metrics.value("kotoba_queue_size", ["model": "mlm"]) == 0)
        #expect(metrics.samples.contains { $0.name == "kotoba_http_requests_total" && $0.labels["status"] == "413" },
                "the 413 is counted")
    }
}
