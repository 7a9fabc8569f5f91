import Foundation
import KotobaHTTP
import Testing
@testable import KotobaService

/// `GET /`: the playground page is served whole, self-contained, and without an API key.
@Suite struct PlaygroundTests {
    @Test func thePageIsSelfContainedAndHasATabPerTask() throws {
        let response = ServedFixtures.send(ServedFixtures.shared, .get, "/", bytes: [])
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(response.headers["Content-Security-Policy"]?.contains("connect-src 'self'") == true)
        let page = String(decoding: response.body, as: UTF8.self)
        for task in ["translation", "text-classification", "fill-mask", "next-sentence", "feature-extraction", "word-vectors"] {
            #expect(page.contains(#"data-task="\#(task)""#), "\(task)")
        }
        // Every endpoint the page calls is one the server routes.
        for path in ["/translate", "/classify", "/fill-mask", "/next-sentence", "/embed", "/similar", "/v1/models", "/readyz"] {
            #expect(page.contains(#""\#(path)""#), "\(path)")
            #expect(ServedFixtures.shared.route(for: path) != nil, "\(path)")
        }
        // Nothing from elsewhere: no external script, style, font or image.
        #expect(!page.contains("http://") && !page.contains("https://") && !page.contains("src=\""))
        #expect(ServedFixtures.send(ServedFixtures.shared, .head, "/", bytes: []).status == .ok)
    }

    @Test func thePageNeedsNoKeyButTheCallsItMakesDo() throws {
        let keys = FileManager.default.temporaryDirectory.appendingPathComponent("kotoba-keys-\(UUID().uuidString)")
        try Data("playground-key\n".utf8).write(to: keys)
        var configuration = ServiceConfiguration()
        configuration.port = 0
        configuration.auth.apiKeysFile = keys.path
        let service = try Service(configuration: configuration, logger: EdgeTests.quiet)
        #expect(ServedFixtures.send(service.responder, .get, "/", bytes: []).status == .ok)
        #expect(ServedFixtures.send(service.responder, .get, "/v1/models", bytes: []).status.code == 401)
        #expect(ServedFixtures.send(service.responder, .get, "/v1/models", bytes: [],
                                    headers: ["Authorization": "Bearer playground-key"]).status == .ok)
    }

    /// The page's script parses (Node's syntax check); a browser test of the page is still to come.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/node"), "needs node"))
    func theScriptParses() throws {
        let page = String(decoding: ServedFixtures.send(ServedFixtures.shared, .get, "/", bytes: []).body, as: UTF8.self)
        let script = try #require(page.components(separatedBy: "<script>").last?.components(separatedBy: "</script>").first)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kotoba-playground-\(UUID().uuidString).js")
        try Data(script.utf8).write(to: file)
        let check = try runProcess("/usr/bin/node", ["--check", file.path])
        #expect(check.status == 0, "\(check.output)")
    }
}
