import Foundation
import KotobaHTTP
import Logging
import Testing
@testable import KotobaService

/// API keys and CORS, through a service's whole responder chain (no socket, no models).
@Suite struct EdgeTests {
    static let key = "kt-live-4f9d2c"
    static let quiet = Logger(label: "kotoba") { _ in SwiftLogNoOpLogHandler() }

    private func keysFile(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kotoba-keys-\(UUID().uuidString)")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    private func service(keys: String? = nil, exemptMetrics: Bool = false, origins: [String] = [],
                         admin: Bool = false) throws -> Service {
        var configuration = ServiceConfiguration()
        configuration.port = 0
        configuration.admin.enabled = admin
        configuration.auth.apiKeysFile = try keys.map(keysFile)
        configuration.auth.exemptMetrics = exemptMetrics
        configuration.cors.allowedOrigins = origins
        return try Service(configuration: configuration, logger: Self.quiet)
    }

    private func get(_ service: Service, _ path: String, _ headers: HTTPHeaders = [:],
                     method: HTTPMethod = .get) -> HTTPResponse {
        ServedFixtures.send(service.responder, method, path, bytes: [], headers: headers)
    }

    // MARK: - API keys

    @Test func keysFileSkipsCommentsAndAcceptsDigests() throws {
        let digest = SHA256.hex(of: Array("second-key".utf8))
        let keys = try APIKeys.parse("# team A\n\n  \(Self.key)  \r\nsha256:\(digest.uppercased())\n", path: "k")
        #expect(keys.entries.count == 2)
        #expect(keys.identify(Self.key) == String(SHA256.hex(of: Array(Self.key.utf8)).prefix(12)))
        #expect(keys.identify("second-key") == String(digest.prefix(12)))
        #expect(keys.identify("kt-live-4f9d2") == nil)
        #expect(keys.identify("") == nil)
    }

    @Test func unusableKeysFilesAreRefusedAtStartWithThePath() throws {
        for text in ["# only a comment\n", "sha256:abc\n", "key with spaces\n"] {
            let path = try keysFile(text)
            #expect(throws: StartupError.self) { _ = try Service(configuration: { var c = ServiceConfiguration(); c.auth.apiKeysFile = path; return c }(), logger: Self.quiet) }
        }
        var configuration = ServiceConfiguration()
        configuration.auth.apiKeysFile = "/nonexistent/keys"
        do {
            _ = try Service(configuration: configuration, logger: Self.quiet)
            Issue.record("a missing keys file was accepted")
        } catch {
            #expect(error.description.contains("/nonexistent/keys"))
        }
    }

    @Test func routesNeedAKeyButProbesDoNot() throws {
        let service = try service(keys: Self.key + "\n")
        for path in ["/livez", "/healthz", "/readyz"] {
            #expect(get(service, path).status.code != 401, "\(path)")
        }
        for path in ["/metrics", "/v1/models", "/openapi.json", "/no-such-route"] {
            let refused = get(service, path)
            #expect(refused.status.code == 401, "\(path)")
            #expect(refused.headers["WWW-Authenticate"] == #"Bearer realm="kotoba""#)
            #expect(try ServedFixtures.json(refused)["error_type"] as? String == "unauthorized")
        }
        let post = ServedFixtures.send(service.responder, .post, "/classify", body: #"{"text": "hi"}"#)
        #expect(post.status.code == 401)
    }

    @Test func adminReloadIsServedOnlyWhenEnabledAndThenNeedsAKey() throws {
        let off = ServedFixtures.send(try service().responder, .post, "/admin/reload", body: "")
        #expect(off.status.code == 404)
        #expect((try ServedFixtures.json(off)["error"] as? String)?.contains("admin.enabled") == true)
        #expect(ServedFixtures.send(try service().responder, .get, "/admin/reload", body: "").status.code == 405)
        let open = ServedFixtures.send(try service(admin: true).responder, .post, "/admin/reload", body: "")
        #expect(open.status.code == 200)
        #expect(try ServedFixtures.json(open)["status"] as? String == "ok")
        let guarded = try service(keys: Self.key + "\n", admin: true)
        #expect(ServedFixtures.send(guarded.responder, .post, "/admin/reload", body: "").status.code == 401)
        let allowed = ServedFixtures.send(guarded.responder, .post, "/admin/reload", bytes: [],
                                          headers: ["Authorization": "Bearer \(Self.key)"])
        #expect(allowed.status.code == 200)
    }

    @Test func eitherHeaderCarriesTheKeyAndTheIdReachesTheLog() throws {
        let service = try service(keys: Self.key + "\n")
        let id = String(SHA256.hex(of: Array(Self.key.utf8)).prefix(12))
        for headers: HTTPHeaders in [["Authorization": "Bearer \(Self.key)"], ["authorization": "bearer  \(Self.key)"],
                                     ["X-API-Key": Self.key]] {
            let response = get(service, "/v1/models", headers)
            #expect(response.status == .ok, "\(headers)")
            #expect(response.logFields.contains { $0.name == "key_id" && $0.value == id })
            #expect(!response.logFields.contains { $0.value.contains(Self.key) })
        }
        let wrong = get(service, "/v1/models", ["Authorization": "Bearer \(Self.key)x"])
        #expect(wrong.status.code == 401)
        #expect(wrong.headers["WWW-Authenticate"]?.contains("invalid_token") == true)
        #expect(!String(decoding: wrong.body, as: UTF8.self).contains(Self.key))
        #expect(get(service, "/v1/models", ["Authorization": "Basic \(Self.key)"]).status.code == 401)
    }

    @Test func refusalsAndPerKeyTrafficAreCounted() throws {
        let service = try service(keys: Self.key + "\n")
        _ = get(service, "/v1/models")
        _ = get(service, "/v1/models", ["X-API-Key": "nope"])
        service.metrics.record(route: "/v1/models", method: "GET", status: 200, seconds: 0.001, requestBytes: 1,
                               responseBytes: 1, keyID: "abc123")
        let metrics = String(decoding: get(service, "/metrics", ["X-API-Key": Self.key]).body, as: UTF8.self)
        #expect(metrics.contains(#"kotoba_auth_refusals_total{reason="missing"} 1"#))
        #expect(metrics.contains(#"kotoba_auth_refusals_total{reason="invalid"} 1"#))
        #expect(metrics.contains(#"kotoba_requests_by_key_total{key_id="abc123"} 1"#))
    }

    @Test func metricsCanBeExempted() throws {
        let service = try service(keys: Self.key + "\n", exemptMetrics: true)
        #expect(get(service, "/metrics").status == .ok)
        #expect(get(service, "/v1/models").status.code == 401)
    }

    @Test func reloadSwapsKeysAndKeepsThemWhenTheFileTurnsBad() throws {
        let service = try service(keys: Self.key + "\n")
        let path = try #require(service.configuration.auth.apiKeysFile)
        try Data("rotated-key\n".utf8).write(to: URL(fileURLWithPath: path))
        service.reload()
        #expect(get(service, "/v1/models", ["X-API-Key": Self.key]).status.code == 401)
        #expect(get(service, "/v1/models", ["X-API-Key": "rotated-key"]).status == .ok)
        try Data("# emptied by mistake\n".utf8).write(to: URL(fileURLWithPath: path))
        service.reload()
        #expect(get(service, "/v1/models", ["X-API-Key": "rotated-key"]).status == .ok)
    }

    // MARK: - CORS

    @Test func preflightFromAListedOriginIsAnsweredWithoutAKey() throws {
        let service = try service(keys: Self.key + "\n", origins: ["https://app.example.com"])
        let preflight = get(service, "/classify", ["Origin": "https://app.example.com",
                                                   "Access-Control-Request-Method": "POST",
                                                   "Access-Control-Request-Headers": "content-type, authorization"],
                            method: .options)
        #expect(preflight.status == .noContent)
        #expect(preflight.headers["Access-Control-Allow-Origin"] == "https://app.example.com")
        #expect(preflight.headers["Access-Control-Allow-Methods"]?.contains("POST") == true)
        #expect(preflight.headers["Access-Control-Allow-Headers"] == "content-type, authorization, x-api-key, x-request-timeout-ms")
        #expect(preflight.headers["Access-Control-Max-Age"] == "600")
        #expect(preflight.headers["Vary"] == "Origin")
    }

    @Test func actualResponsesCarryCORSHeadersOnlyForListedOrigins() throws {
        let service = try service(keys: Self.key + "\n", origins: ["https://app.example.com"])
        let listed = get(service, "/v1/models", ["Origin": "https://app.example.com", "X-API-Key": Self.key])
        #expect(listed.status == .ok)
        #expect(listed.headers["Access-Control-Allow-Origin"] == "https://app.example.com")
        #expect(listed.headers["Access-Control-Expose-Headers"]?.contains("X-Request-ID") == true)
        // A 401 carries them too, so the page can read why.
        let refused = get(service, "/v1/models", ["Origin": "https://app.example.com"])
        #expect(refused.status.code == 401)
        #expect(refused.headers["Access-Control-Allow-Origin"] == "https://app.example.com")

        let other = get(service, "/v1/models", ["Origin": "https://evil.example", "X-API-Key": Self.key])
        #expect(other.status == .ok)
        #expect(other.headers["Access-Control-Allow-Origin"] == nil)
        #expect(other.headers["Vary"] == "Origin")
        let otherPreflight = get(service, "/classify", ["Origin": "https://evil.example",
                                                        "Access-Control-Request-Method": "POST"], method: .options)
        #expect(otherPreflight.status.code == 403)
        #expect(otherPreflight.headers["Access-Control-Allow-Origin"] == nil)
    }

    @Test func wildcardAllowsAnyOriginAndEmptyTurnsCORSOff() throws {
        let open = try service(origins: ["*"])
        let response = get(open, "/livez", ["Origin": "http://localhost:3000"])
        #expect(response.headers["Access-Control-Allow-Origin"] == "http://localhost:3000")
        let off = try service()
        #expect(get(off, "/livez", ["Origin": "http://localhost:3000"]).headers["Access-Control-Allow-Origin"] == nil)
        // With CORS off an OPTIONS request is just a method no route serves.
        #expect(get(off, "/classify", ["Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST"],
                    method: .options).status == .methodNotAllowed)
    }
}

/// Response compression through the service's responder chain.
@Suite struct CompressionEdgeTests {
    private func service(enabled: Bool = true, minBytes: Int = 1024) throws -> Service {
        var configuration = ServiceConfiguration()
        configuration.port = 0
        configuration.compression.enabled = enabled
        configuration.compression.minBytes = minBytes
        return try Service(configuration: configuration, logger: EdgeTests.quiet)
    }

    private func get(_ service: Service, _ path: String, accept: String?) -> HTTPResponse {
        ServedFixtures.send(service.responder, .get, path, bytes: [], headers: accept.map { ["Accept-Encoding": $0] } ?? [:])
    }

    @Test func largeBodiesAreGzippedForClientsThatAsk() throws {
        let service = try service()
        let plain = get(service, "/openapi.json", accept: nil)
        #expect(plain.headers["Content-Encoding"] == nil)
        #expect(plain.headers["Vary"] == "Accept-Encoding")
        let compressed = get(service, "/openapi.json", accept: "gzip, deflate, br")
        #expect(compressed.headers["Content-Encoding"] == "gzip")
        #expect(compressed.body.count < plain.body.count / 4)
        #expect(compressed.body.prefix(2) == [0x1F, 0x8B])
        #expect(get(service, "/openapi.json", accept: "gzip;q=0").headers["Content-Encoding"] == nil)
    }

    @Test func probesSmallBodiesAndTheDisabledSwitchStayPlain() throws {
        let service = try service()
        let probe = get(service, "/readyz", accept: "gzip")
        #expect(probe.headers["Content-Encoding"] == nil)
        #expect(probe.headers["Vary"] == nil)
        let small = get(service, "/v1/models", accept: "gzip")
        #expect(small.body.count < 1024)
        #expect(small.headers["Content-Encoding"] == nil)
        #expect(small.headers["Vary"] == "Accept-Encoding")
        // The threshold is the configured one, and a body gzip would not shrink goes out as it is.
        #expect(get(try self.service(minBytes: 1_000_000), "/openapi.json", accept: "gzip").headers["Content-Encoding"] == nil)
        #expect(get(try self.service(minBytes: 0), "/v1/models", accept: "gzip").headers["Content-Encoding"] == nil)
        let off = get(try self.service(enabled: false), "/openapi.json", accept: "gzip")
        #expect(off.headers["Content-Encoding"] == nil)
        #expect(off.headers["Vary"] == nil)
    }
}
