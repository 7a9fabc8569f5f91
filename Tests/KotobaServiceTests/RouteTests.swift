import Foundation
import KotobaHTTP
import Logging
import Testing
@testable import KotobaService

/// The service's routes driven in-process through the Router, no socket: each handler replies synchronously.
@Suite struct RouteTests {
    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    private func respond(_ router: some HTTPResponder, _ target: String, method: HTTPMethod = .get) -> HTTPResponse {
        let request = HTTPRequest(method: method, target: target)
        let captured = Locked<HTTPResponse?>(nil)
        router.respond(to: request, context: RequestContext(requestID: request.id)) { response in
            captured.withLock { $0 = response }
        }
        guard let response = captured.current else {
            Issue.record("\(method) \(target) did not reply synchronously")
            return HTTPResponse(status: .internalServerError)
        }
        return response
    }

    private func json(_ response: HTTPResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    private func context(_ catalog: ModelCatalog, phase: ServicePhase) -> RouteContext {
        RouteContext(catalog: catalog,
                     metrics: ServiceMetrics(inFlightRequests: { 0 }, openConnections: { 0 }, modelStates: { [] }),
                     phase: { phase })
    }

    @Test func livenessIsAlwaysOkEvenWhileDraining() throws {
        let catalog = ModelCatalog(models: [], loaders: [:], logger: logger)
        for phase in [ServicePhase.starting, .serving, .draining, .stopping] {
            let router = Router.service(context(catalog, phase: phase))
            for path in ["/livez", "/healthz"] {
                let response = respond(router, path)
                #expect(response.status == .ok, "\(path) in \(phase)")
                #expect(try json(response)["status"] as? String == "alive")
                #expect(response.headers["Content-Type"] == "application/json")
            }
        }
    }

    @Test func readinessWithNoModelsFollowsThePhase() throws {
        let catalog = ModelCatalog(models: [], loaders: [:], logger: logger)
        let serving = respond(Router.service(context(catalog, phase: .serving)), "/readyz")
        #expect(serving.status == .ok)
        #expect(try json(serving)["status"] as? String == "ready")
        #expect((try json(serving)["reasons"] as? [Any])?.isEmpty == true)
        for phase in [ServicePhase.starting, .draining, .stopping] {
            let response = respond(Router.service(context(catalog, phase: phase)), "/readyz")
            #expect(response.status == .serviceUnavailable, "\(phase)")
            #expect(try json(response)["phase"] as? String == phase.rawValue)
            #expect(try json(response)["status"] as? String == "not_ready")
        }
    }

    @Test func modelWithoutLoaderKeepsReadinessAt503AndSaysWhy() throws {
        let catalog = ModelCatalog(models: [ModelSpec(name: "opus-en-de", task: "translation", path: "Models/x")],
                                   loaders: [:], logger: logger)
        let router = Router.service(context(catalog, phase: .serving))
        let pending = try json(respond(router, "/readyz"))
        #expect((pending["models"] as? [[String: Any]])?.first?["state"] as? String == "pending")
        catalog.loadAllAndWait()
        let response = respond(router, "/readyz")
        #expect(response.status == .serviceUnavailable)
        let body = try json(response)
        let model = try #require((body["models"] as? [[String: Any]])?.first)
        #expect(model["name"] as? String == "opus-en-de")
        #expect(model["state"] as? String == "failed")
        #expect(model["error"] as? String == "task translation not supported yet")
        #expect((body["reasons"] as? [String]) == ["model opus-en-de failed to load: task translation not supported yet"])
        // Not listed as usable, and asking for it by name says why.
        #expect((try json(respond(router, "/v1/models"))["data"] as? [Any])?.isEmpty == true)
        let byName = respond(router, "/v1/models/opus-en-de")
        #expect(byName.status == .serviceUnavailable)
        #expect(try json(byName)["error_type"] as? String == ServiceErrorType.modelUnavailable)
    }

    @Test func readyModelsAreListedAndReadinessTurnsOk() throws {
        let catalog = ModelCatalog(models: [ModelSpec(name: "bert", task: "fill-mask", path: "a", isDefault: true)],
                                   loaders: ["fill-mask": RecordingLoader()], logger: logger)
        let router = Router.service(context(catalog, phase: .serving))
        #expect(respond(router, "/readyz").status == .serviceUnavailable)
        catalog.loadAllAndWait()
        #expect(respond(router, "/readyz").status == .ok)
        let list = try json(respond(router, "/v1/models"))
        #expect(list["object"] as? String == "list")
        let model = try #require((list["data"] as? [[String: Any]])?.first)
        #expect(model["id"] as? String == "bert")
        #expect(model["object"] as? String == "model")
        #expect(model["task"] as? String == "fill-mask")
        #expect(model["default"] as? Bool == true)
        #expect(model["architecture"] as? String == "TestArchitecture")
        #expect((model["parameters"] as? NSNumber)?.intValue == 42)
        let one = respond(router, "/v1/models/bert")
        #expect(one.status == .ok)
        #expect(try json(one)["id"] as? String == "bert")
    }

    @Test func emptyModelListHasTheDocumentedShape() {
        let catalog = ModelCatalog(models: [], loaders: [:], logger: logger)
        let response = respond(Router.service(context(catalog, phase: .serving)), "/v1/models")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"data":[],"object":"list"}"#)
    }

    @Test func unknownModelIs404WithTheErrorEnvelope() throws {
        let catalog = ModelCatalog(models: [], loaders: [:], logger: logger)
        let request = HTTPRequest(method: .get, target: "/v1/models/nope")
        let router = Router.service(context(catalog, phase: .serving))
        let captured = Locked<HTTPResponse?>(nil)
        router.respond(to: request, context: RequestContext(requestID: request.id)) { response in
            captured.withLock { $0 = response }
        }
        let response = try #require(captured.current)
        #expect(response.status == .notFound)
        let body = try json(response)
        #expect(body["error_type"] as? String == "not_found")
        #expect(body["request_id"] as? String == request.id)
        #expect(body["error"] as? String == "no model named \"nope\"")
    }

    @Test func metricsRouteServesTheExpositionFormat() throws {
        let catalog = ModelCatalog(models: [], loaders: [:], logger: logger)
        let routeContext = context(catalog, phase: .serving)
        routeContext.metrics.record(route: "/livez", method: "GET", status: 200, seconds: 0.001,
                                    requestBytes: 80, responseBytes: 120)
        let response = respond(Router.service(routeContext), "/metrics")
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8")
        let parsed = try ParsedExposition(String(decoding: response.body, as: UTF8.self))
        #expect(parsed.value("kotoba_http_requests_total", ["route": "/livez", "method": "GET", "status": "200"]) == 1)
        for family in ["kotoba_http_request_duration_seconds", "kotoba_http_requests_in_flight",
                       "kotoba_http_open_connections", "process_resident_memory_bytes",
                       "process_start_time_seconds", "kotoba_uptime_seconds"] {
            #expect(parsed.types[family] != nil, "\(family) missing")
        }
    }

    @Test func everyResponseNamesTheServerAndUnknownMethodsGet405() {
        let catalog = ModelCatalog(models: [], loaders: [:], logger: logger)
        let responder = ServerHeaderResponder(wrapped: Router.service(context(catalog, phase: .serving)))
        #expect(respond(responder, "/livez").headers["Server"] == "kotoba/\(ServiceInfo.version)")
        let missing = respond(responder, "/nope")
        #expect(missing.status == .notFound)
        #expect(missing.headers["Server"] == "kotoba/\(ServiceInfo.version)")
        let wrongMethod = respond(responder, "/readyz", method: .post)
        #expect(wrongMethod.status == .methodNotAllowed)
        #expect(wrongMethod.headers["Allow"]?.contains("GET") == true)
    }
}
