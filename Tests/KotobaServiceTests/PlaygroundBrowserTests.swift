import Foundation
import Logging
import Testing
@testable import KotobaService

/// The playground in a real browser: headless Chromium driven by Selenium (scripts/install-browser-test.sh
/// installs both; make test runs it) fills forms on a live server and reads the answers from the DOM.
@Suite(.serialized, .enabled(if: PlaygroundBrowser.available, "needs chromium, chromedriver and Selenium: run scripts/install-browser-test.sh"))
struct PlaygroundBrowserTests {
    @Test func formsAnswerInTheBrowserUnderAnAPIKey() throws {
        let keys = FileManager.default.temporaryDirectory.appendingPathComponent("kotoba-keys-\(UUID().uuidString)")
        try Data("browser-key\n".utf8).write(to: keys)
        var configuration = ServiceConfiguration()
        configuration.port = 0
        configuration.drainSeconds = 0
        configuration.auth.apiKeysFile = keys.path
        configuration.models = ServedFixtures.specs.filter { ["sentiment", "words", "marian"].contains($0.name) }
        let service = try Service(configuration: configuration, loaders: ServeRunner.builtInLoaders, logger: EdgeTests.quiet)
        let port = try service.start()
        defer {
            let stopped = DispatchSemaphore(value: 0)
            service.beginShutdown { stopped.signal() }
            _ = stopped.wait(timeout: .now() + 10)
        }
        #expect(KotobaProcess.eventually(within: 60) { service.catalog.entries.allSatisfy { $0.state.isReady } })
        let screenshot = KotobaProcess.repositoryRoot.appendingPathComponent(".build/playground.png")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PlaygroundBrowser.python)
        process.arguments = [KotobaProcess.repositoryRoot.appendingPathComponent("scripts/playground-browser.py").path,
                             "http://127.0.0.1:\(port)", screenshot.path, "browser-key"]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let failure = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        try #require(process.terminationStatus == 0, "browser run failed: \(failure.suffix(2000))")
        let seen = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(seen["tabs"] as? [String] == ["Translate", "Classify", "Word vectors"])
        #expect(seen["status"] as? String == "ready")
        let classify = seen["classify"] as? [String: Any]
        #expect(Set(classify?["bars"] as? [String] ?? []) == ["negative", "neutral", "positive"], "\(String(describing: classify))")
        #expect((classify?["timing"] as? String)?.hasPrefix("HTTP 200") == true)
        let similar = seen["similar"] as? [String: Any]
        #expect((similar?["bars"] as? [String])?.count == 10, "\(String(describing: similar))")
        #expect((similar?["bars"] as? [String])?.contains("king") == false)
        let translate = seen["translate"] as? [String: Any]
        #expect((translate?["timing"] as? String)?.hasPrefix("HTTP 200") == true, "\(String(describing: translate))")
        #expect(FileManager.default.fileExists(atPath: screenshot.path))
        print("playground: screenshot at \(screenshot.path)")
    }
}

/// Where the browser test's tools live.
enum PlaygroundBrowser {
    static let python = KotobaProcess.repositoryRoot.appendingPathComponent(".build/tools/selenium-4.38.0/bin/python").path
    static var available: Bool {
        ["/usr/bin/chromium", "/usr/bin/chromedriver", python].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
