import Testing
@testable import KotobaHTTP

/// Runs `router` in-process on `method path` and returns the reply it produced.
private func reply(_ router: Router, _ method: HTTPMethod, _ target: String) -> HTTPResponse? {
    let box = ReplyBox()
    let request = HTTPRequest(method: method, target: target, headers: ["Host": "x"], id: "rid")
    router.respond(to: request, context: RequestContext(requestID: "rid")) { box.set($0) }
    return box.value
}

private final class ReplyBox: @unchecked Sendable {
    var value: HTTPResponse?
    func set(_ response: HTTPResponse) { value = response }
}

private func sampleRouter() -> Router {
    var router = Router()
    router.register(.get, "/v1/models") { _, _, _, reply in reply(.text(.ok, "list")) }
    router.register(.get, "/v1/models/{name}") { _, _, params, reply in reply(.text(.ok, "model \(params["name"] ?? "?")")) }
    router.register(.get, "/v1/models/stats") { _, _, _, reply in reply(.text(.ok, "stats")) }
    router.register(.post, "/v1/models/{name}/fill-mask") { _, _, params, reply in reply(.text(.ok, "fill \(params["name"] ?? "?")")) }
    return router
}

@Suite struct RouterTests {
    @Test func capturesPathParametersPercentDecoded() {
        let response = reply(sampleRouter(), .get, "/v1/models/bert%2Dbase?x=1")
        #expect(response?.status == .ok)
        #expect(response.map { String(decoding: $0.body, as: UTF8.self) } == "model bert-base")
    }

    @Test func literalSegmentBeatsCapture() {
        let response = reply(sampleRouter(), .get, "/v1/models/stats")
        #expect(response.map { String(decoding: $0.body, as: UTF8.self) } == "stats")
    }

    @Test func unknownPathIs404WithEnvelope() {
        let response = reply(sampleRouter(), .get, "/nope")
        #expect(response?.status == .notFound)
        #expect(response.map { String(decoding: $0.body, as: UTF8.self) }
            == #"{"error":"no route for /nope","error_type":"not_found","request_id":"rid"}"#)
        #expect(response?.headers["content-type"] == "application/json")
    }

    @Test func knownPathWrongMethodIs405WithAllow() {
        let response = reply(sampleRouter(), .delete, "/v1/models/x")
        #expect(response?.status == .methodNotAllowed)
        #expect(response?.headers["Allow"] == "GET, HEAD")
        let post = reply(sampleRouter(), .get, "/v1/models/x/fill-mask")
        #expect(post?.status == .methodNotAllowed)
        #expect(post?.headers["Allow"] == "POST")
    }

    @Test func headIsServedWhereverGetIs() {
        let response = reply(sampleRouter(), .head, "/v1/models")
        #expect(response?.status == .ok)
    }

    @Test func routeLookupGivesPatternForMetrics() {
        let router = sampleRouter()
        #expect(router.route(for: "/v1/models/abc") == "/v1/models/{name}")
        #expect(router.route(for: "/v1/models/abc/fill-mask") == "/v1/models/{name}/fill-mask")
        #expect(router.route(for: "/missing") == nil)
        #expect(router.route(for: "/v1//models") == nil)
    }

    /// The literal-path index must give what the scan over every route gives, for every method and a set of
    /// paths that hit literal, captured, overlapping and missing patterns.
    @Test func literalIndexAgreesWithTheScan() {
        var router = sampleRouter()
        router.register(.head, "/probe") { _, _, _, reply in reply(.text(.ok, "head")) }
        router.register(.get, "/probe") { _, _, _, reply in reply(.text(.ok, "get")) }
        router.register(.post, "/v1/models") { _, _, _, reply in reply(.text(.ok, "first")) }
        router.register(.post, "/v1/models") { _, _, _, reply in reply(.text(.ok, "replaced")) }
        router.register(.get, "/") { _, _, _, reply in reply(.text(.ok, "root")) }
        let paths = ["/v1/models", "/v1/models/stats", "/v1/models/x", "/v1/models/x/fill-mask", "/probe", "/",
                     "", "*", "v1/models", "/v1/models/", "/v1//models", "/nope", "/probe/"]
        let methods: [HTTPMethod] = [.get, .head, .post, .put, .delete, .options, HTTPMethod(rawValue: "BREW")]
        for path in paths {
            for method in methods {
                #expect(describe(router.match(method: method, path: path)) == describe(router.scan(method: method, path: path)),
                        "\(method.rawValue) \(path)")
            }
        }
        #expect(reply(router, .head, "/probe").map { String(decoding: $0.body, as: UTF8.self) } == "head")
        #expect(reply(router, .post, "/v1/models").map { String(decoding: $0.body, as: UTF8.self) } == "replaced")
        let refused = reply(router, .delete, "/v1/models")
        #expect(refused?.headers["Allow"] == "GET, POST, HEAD")
    }

    private func describe(_ match: Router.Match) -> String {
        switch match {
        case let .found(pattern, parameters, _): "found \(pattern) \(parameters.map { "\($0.name)=\($0.value)" })"
        case let .methodNotAllowed(pattern, allowed): "405 \(pattern) \(allowed.map(\.rawValue))"
        case .notFound: "404"
        }
    }
}
