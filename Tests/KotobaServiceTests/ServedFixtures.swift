import Dispatch
import Foundation
import KotobaHTTP
import Logging
import Testing
@testable import KotobaService

/// The committed tiny BERT fixtures served through the real loaders, loaded once for the whole target.
enum ServedFixtures {
    static let bertDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../KotobaModelsTests/Fixtures/bert").standardized
    static let translationDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../KotobaTasksTests/Fixtures/translation").standardized
    static let taskReferenceURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../KotobaTasksTests/Fixtures/bert/reference.json").standardized

    static let wordVectorsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../KotobaModelsTests/Fixtures/word2vec").standardized

    static func path(_ name: String) -> String { bertDirectory.appendingPathComponent(name).path }

    /// One model per task, each its task's default.
    static let specs = [
        ModelSpec(name: "mlm", task: "fill-mask", path: path("bert-mlm"), isDefault: true),
        ModelSpec(name: "distilbert-mlm", task: "fill-mask", path: path("distilbert-mlm")),
        ModelSpec(name: "sentiment", task: "text-classification", path: path("bert-classifier"), isDefault: true),
        ModelSpec(name: "nsp", task: "next-sentence", path: path("bert-nsp"), isDefault: true),
        ModelSpec(name: "embedder", task: "feature-extraction", path: path("bert-model"), isDefault: true),
        ModelSpec(name: "marian", task: "translation", path: translationDirectory.path, isDefault: true),
        ModelSpec(name: "rnn", task: "translation", path: translationDirectory.deletingLastPathComponent()
            .appendingPathComponent("translation-rnn").path),
        ModelSpec(name: "words", task: "word-vectors", path: wordVectorsDirectory.appendingPathComponent("skipgram-bin").path,
                  isDefault: true),
        ModelSpec(name: "words-cbow", task: "word-vectors", path: wordVectorsDirectory.appendingPathComponent("cbow-txt").path),
    ]

    static let catalog: ModelCatalog = {
        let catalog = ModelCatalog(models: specs, loaders: ServeRunner.builtInLoaders,
                                   logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        catalog.loadAllAndWait()
        return catalog
    }()

    /// A router over the shared catalogue with its own batchers and configuration.
    static func router(_ configure: (inout ServiceConfiguration) -> Void = { _ in }) -> (Router, RouteContext) {
        var configuration = ServiceConfiguration()
        configuration.inferenceWorkers = 2
        configure(&configuration)
        let context = RouteContext(
            catalog: catalog,
            metrics: ServiceMetrics(inFlightRequests: { 0 }, openConnections: { 0 }, modelStates: { [] }),
            phase: { .serving }, configuration: configuration)
        return (Router.service(context), context)
    }

    static let shared = router().0

    /// Sends a request and waits for its reply.
    static func send(_ router: some HTTPResponder, _ method: HTTPMethod = .post, _ target: String,
                     body: String, headers: HTTPHeaders = [:], context: RequestContext? = nil) -> HTTPResponse {
        send(router, method, target, bytes: Array(body.utf8), headers: headers, context: context)
    }

    static func send(_ router: some HTTPResponder, _ method: HTTPMethod = .post, _ target: String,
                     bytes: [UInt8], headers: HTTPHeaders = [:], context: RequestContext? = nil) -> HTTPResponse {
        let request = HTTPRequest(method: method, target: target, headers: headers, body: bytes)
        let done = DispatchSemaphore(value: 0)
        let captured = Locked<HTTPResponse?>(nil)
        router.respond(to: request, context: context ?? RequestContext(requestID: request.id)) { response in
            captured.withLock { $0 = response }
            done.signal()
        }
        guard done.wait(timeout: .now() + 20) == .success, let response = captured.current else {
            Issue.record("\(method) \(target) got no reply")
            return HTTPResponse(status: .internalServerError)
        }
        return response
    }

    static func json(_ response: HTTPResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
                     "not a JSON object: \(String(decoding: response.body, as: UTF8.self))")
    }

    static func reference() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: taskReferenceURL))
        return try #require((object as? [String: Any])?["tasks"] as? [String: Any])
    }
}

/// `value` as a Double, whatever numeric type JSONSerialization chose.
func number(_ value: Any?) -> Double? {
    (value as? NSNumber)?.doubleValue
}
