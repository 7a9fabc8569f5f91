import Foundation
import KotobaHTTP
import Logging
import Testing
@testable import KotobaService

@Suite struct LogHandlerTests {
    private func capture(_ format: LogFormat, level: Logger.Level = .info,
                         _ body: (Logger) -> Void) -> [String] {
        let lines = Locked<[String]>([])
        var settings = ServiceConfiguration.LogSettings()
        settings.format = format
        settings.level = level
        body(settings.makeLogger(label: "kotoba", sink: LineSink { line in lines.withLock { $0.append(line) } }))
        return lines.current
    }

    @Test func jsonLinesParseAndKeepNumbersNumeric() throws {
        let lines = capture(.json) { logger in
            logger.info("request", metadata: ["status": .stringConvertible(200), "duration_ms": .stringConvertible(1.25),
                                              "path": "/a \"b\"\n", "request_id": "0123", "digits": "42"])
        }
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(line.hasSuffix("}\n") && line.filter { $0 == "\n" }.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["msg"] as? String == "request")
        #expect(object["level"] as? String == "info")
        #expect(object["logger"] as? String == "kotoba")
        #expect((object["status"] as? NSNumber)?.intValue == 200)
        #expect((object["duration_ms"] as? NSNumber)?.doubleValue == 1.25)
        #expect(object["path"] as? String == "/a \"b\"\n")
        // Strings stay strings even when they look like numbers.
        #expect(object["request_id"] as? String == "0123")
        #expect(object["digits"] as? String == "42")
        let timestamp = try #require(object["ts"] as? String)
        #expect(timestamp.count == 24 && timestamp.hasSuffix("Z"))
    }

    @Test func levelThresholdDropsLowerEvents() {
        let lines = capture(.text, level: .warning) { logger in
            logger.info("hidden")
            logger.warning("shown", metadata: ["k": "two words"])
        }
        #expect(lines.count == 1)
        #expect(lines.first?.contains("warning kotoba: shown k=\"two words\"") == true)
    }

    @Test func numberDetectionFollowsJSONGrammar() {
        for text in ["0", "-1", "12.5", "200"] { #expect(JSONLogHandler.isJSONNumber(text), "\(text)") }
        for text in ["", "-", "01", "1.", ".5", "1e5", "abc", "1.2.3"] { #expect(!JSONLogHandler.isJSONNumber(text), "\(text)") }
    }
}
