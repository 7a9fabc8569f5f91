import Foundation
import KotobaHTTP
import Logging
import Testing
@testable import KotobaService

/// A failure of ours reaches the client as a 500 with the request id, and the log as its cause; it is never
/// passed off as the client's validation error.
@Suite struct ServerFaultTests {
    /// The NSP fixture with a tokenizer template that gives the second segment token type 2, which the
    /// model's two-row type embedding lacks: nothing at load time looks at template type ids, and any pair
    /// then fails inside the model. A configuration mismatch of ours, not a bad request.
    private static func brokenNextSentence() throws -> URL {
        let source = ServedFixtures.bertDirectory.appendingPathComponent("bert-nsp")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kotoba-broken-\(UUID())")
        try FileManager.default.copyItem(at: source, to: folder)
        let tokenizerURL = folder.appendingPathComponent("tokenizer.json")
        var tokenizer = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: tokenizerURL)) as? [String: Any])
        var processor = try #require(tokenizer["post_processor"] as? [String: Any])
        var pair = try #require(processor["pair"] as? [[String: Any]])
        let second = try #require(pair.firstIndex { ($0["Sequence"] as? [String: Any])?["id"] as? String == "B" })
        pair[second] = ["Sequence": ["id": "B", "type_id": 2]]
        processor["pair"] = pair
        tokenizer["post_processor"] = processor
        try JSONSerialization.data(withJSONObject: tokenizer).write(to: tokenizerURL)
        return folder
    }

    @Test func aModelFailureIs500WithTheRequestIDAndALoggedCause() throws {
        let folder = try Self.brokenNextSentence()
        defer { try? FileManager.default.removeItem(at: folder) }
        let catalog = ModelCatalog(models: [ModelSpec(name: "broken", task: "next-sentence", path: folder.path, isDefault: true)],
                                   loaders: ServeRunner.builtInLoaders,
                                   logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        catalog.loadAllAndWait()
        #expect(catalog.entries[0].state.isReady, "\(catalog.entries[0].state)")

        let lines = Locked<[String]>([])
        var settings = ServiceConfiguration.LogSettings()
        settings.format = .json
        let logger = settings.makeLogger(label: "kotoba", sink: LineSink { line in lines.withLock { $0.append(line) } })
        let context = RouteContext(catalog: catalog,
                                   metrics: ServiceMetrics(inFlightRequests: { 0 }, openConnections: { 0 }, modelStates: { [] }),
                                   phase: { .serving }, logger: logger)
        let router = Router.service(context)

        let response = ServedFixtures.send(router, .post, "/next-sentence", body: #"{"text": "a dog", "text_pair": "a cat"}"#)
        #expect(response.status == .internalServerError)
        let body = try ServedFixtures.json(response)
        #expect(body["error_type"] as? String == "inference", "\(body)")
        let requestID = try #require(body["request_id"] as? String)
        #expect((body["error"] as? String)?.contains("model error") == true, "\(body)")

        let logged = lines.current.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let line = try #require(logged.first { $0["msg"] as? String == "request failed" }, "\(lines.current)")
        #expect(line["level"] as? String == "error")
        #expect(line["request_id"] as? String == requestID)
        #expect(line["model"] as? String == "broken")
        #expect((line["cause"] as? String)?.contains("type") == true, "the cause names the token type: \(line)")
        #expect(context.metrics.tasks.failures.value(["broken", "next-sentence", "inference"]) == 1)
        // A client mistake on the same model is still the client's, and not logged as ours.
        let refused = ServedFixtures.send(router, .post, "/next-sentence", body: #"{"text": "a dog"}"#)
        #expect(refused.status == .unprocessableContent)
        #expect(lines.current.filter { $0.contains("request failed") }.count == 1)
    }
}
