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

    /// The access log renders request lines itself for speed; each must be the line the handler would write
    /// for the same fields through `Logger.info`, the timestamp aside.
    @Test func accessLogLinesMatchTheHandlers() throws {
        let records = [
            RequestRecord(method: .get, path: "/livez", route: "/livez", status: 200, requestBytes: 46,
                          responseBytes: 196, duration: 0.000_688_4, requestID: "aba9", remoteAddress: "127.0.0.1:5"),
            RequestRecord(method: HTTPMethod(rawValue: "-"), path: "-", route: nil, status: 400, requestBytes: 0,
                          responseBytes: 0, duration: 12.5, requestID: "0123", remoteAddress: "[::1]:80"),
            RequestRecord(method: .post, path: "/v1/models/caf%C3%A9 \"x\"", route: "/v1/models/{name}", status: 503,
                          requestBytes: -1, responseBytes: 1 << 40, duration: 1e17, requestID: "id with space",
                          remoteAddress: "10.0.0.1:1",
                          logFields: [("key_id", "k1"), ("status", "overridden"), ("model", "bert\u{1}\n\t"),
                                      ("msg", "reserved"), ("a", "café")]),
        ] + Self.durationsToSpell.map { seconds in
            RequestRecord(method: .get, path: "/", route: "/", status: 200, requestBytes: 0, responseBytes: 0,
                          duration: seconds, requestID: "d", remoteAddress: "a")
        }
        for format in LogFormat.allCases {
            let lines = capture(format) { logger in
                for record in records { logger.info("request", metadata: AccessLog.metadata(for: record)) }
            }
            #expect(lines.count == records.count)
            for (record, expected) in zip(records, lines) {
                let rendered = String(decoding: AccessLog.render(record, format: format, label: "kotoba"), as: UTF8.self)
                // Both start with a 24-character timestamp (after `{"ts":"` in JSON) that differs by when it was taken.
                let skip = format == .json ? 7 : 0
                #expect(rendered.count == expected.count)
                #expect(rendered.prefix(skip) == expected.prefix(skip))
                #expect(rendered.dropFirst(skip + 24) == expected.dropFirst(skip + 24), "\(format)")
            }
        }
    }

    /// Durations whose `duration_ms` the access log spells without `Double.description`: whole and fractional
    /// milliseconds, trailing zeros, the 10^12 limit of that path, and pseudo-random values across ten decades.
    static let durationsToSpell: [Double] = {
        var seconds: [Double] = [0, 1e-9, 4e-7, 5e-7, 1e-6, 9e-6, 1e-5, 0.0001, 0.000999, 0.001, 0.0010005, 0.0125,
                                 0.1, 1, 3.000_001, 60, 999_999.999_999, 1e6, 1e9, 1e12, -0.002]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<200 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let mantissa = Double(state >> 11) / Double(1 << 53)
            seconds.append(mantissa * pow(10, Double(Int(state % 10)) - 6))
        }
        return seconds
    }()

    /// With the service's handler the access log writes straight to its sink; below info it writes nothing.
    @Test func accessLogFollowsTheLoggerLevelAndSink() {
        let record = RequestRecord(method: .get, path: "/livez", route: "/livez", status: 200, requestBytes: 1,
                                   responseBytes: 2, duration: 0.001, requestID: "r", remoteAddress: "a")
        let shown = capture(.text) { AccessLog(logger: $0).write(record) }
        #expect(shown.count == 1 && shown[0].contains(" info kotoba: request bytes_in=1 bytes_out=2 duration_ms=1.0 "))
        #expect(capture(.json, level: .notice) { AccessLog(logger: $0).write(record) }.isEmpty)
    }
}
