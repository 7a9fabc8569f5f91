import Dispatch
import Foundation
import KotobaHTTP
import Logging

/// One request against one model directory without a socket, for the `kotoba fill-mask|classify|…`
/// commands: the model loads through the same loader, and the body goes through the same route, validation
/// and encoding as over HTTP, so the command prints exactly the JSON the endpoint would answer.
public enum LocalRun {
    /// What came back: the HTTP status and the JSON body (the error envelope when the status is not 200).
    public struct Outcome: Sendable {
        public var status: Int
        public var body: String
    }

    /// Loads `directory` as a model of `task` and sends `body` (JSON) to `path`.
    public static func run(task: String, directory: String, path: String, body: [UInt8]) -> Outcome {
        let name = URL(fileURLWithPath: directory).lastPathComponent
        var configuration = ServiceConfiguration()
        configuration.models = [ModelSpec(name: name, task: task, path: directory, isDefault: true)]
        configuration.inferenceWorkers = 1
        configuration.batching.maxWaitSeconds = 0
        configuration.requests.maxInputs = 100_000
        let catalog = ModelCatalog(models: configuration.models, loaders: ServeRunner.builtInLoaders,
                                   logger: Logger(label: "kotoba") { _ in SwiftLogNoOpLogHandler() })
        let loaded = DispatchSemaphore(value: 0)
        catalog.loadAll { loaded.signal() }
        loaded.wait()
        if case let .failed(message)? = catalog.entries.first?.state {
            let envelope = HTTPErrorBody.make(message: "cannot load \(directory) as \(task): \(message)",
                                              type: ServiceErrorType.modelUnavailable, requestID: "local")
            return Outcome(status: 503, body: String(decoding: envelope, as: UTF8.self))
        }
        let context = RouteContext(
            catalog: catalog,
            metrics: ServiceMetrics(inFlightRequests: { 0 }, openConnections: { 0 }, modelStates: { [] }),
            phase: { .serving }, configuration: configuration)
        let router = Router.service(context)
        let request = HTTPRequest(method: .post, target: path, body: body, id: "local")
        let answered = DispatchSemaphore(value: 0)
        let response = Locked<HTTPResponse?>(nil)
        router.respond(to: request, context: RequestContext(requestID: request.id)) { reply in
            response.withLock { $0 = reply }
            answered.signal()
        }
        answered.wait()
        let reply = response.current ?? HTTPResponse(status: .internalServerError)
        return Outcome(status: reply.status.code, body: String(decoding: reply.body, as: UTF8.self))
    }
}
