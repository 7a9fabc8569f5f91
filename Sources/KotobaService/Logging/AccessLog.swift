import KotobaHTTP
import Logging

/// The one log line per answered request, written from the server's completion hook.
///
/// With the service's own handlers (text or JSON, no extra metadata) the line is rendered straight to bytes,
/// exactly as the handler would render it: the generic path builds a metadata dictionary of a dozen strings,
/// sorts it and concatenates (7–13% of a `/livez` request's CPU in perf profiles). Any other logger gets the
/// same fields through `Logger.info`.
struct AccessLog: Sendable {
    private enum Output: Sendable {
        case off
        case direct(format: LogFormat, label: String, sink: LineSink)
        case logger(Logger)
    }

    private let output: Output

    init(logger: Logger) {
        guard logger.logLevel <= .info else {
            output = .off
            return
        }
        if let handler = logger.handler as? TextLogHandler, handler.metadata.isEmpty, handler.metadataProvider == nil {
            output = .direct(format: .text, label: handler.label, sink: handler.sink)
        } else if let handler = logger.handler as? JSONLogHandler, handler.metadata.isEmpty,
                  handler.metadataProvider == nil {
            output = .direct(format: .json, label: handler.label, sink: handler.sink)
        } else {
            output = .logger(logger)
        }
    }

    func write(_ record: RequestRecord) {
        switch output {
        case .off:
            return
        case let .logger(logger):
            logger.info("request", metadata: Self.metadata(for: record))
        case let .direct(format, label, sink):
            sink.write(bytes: Self.render(record, format: format, label: label), deferrable: true)
        }
    }

    /// The line's fields as log metadata, for loggers other than the service's own.
    static func metadata(for record: RequestRecord) -> Logger.Metadata {
        var metadata: Logger.Metadata = [:]
        for field in fields(of: record) {
            switch field.value {
            case let .text(text): metadata[field.key] = .string(text)
            case let .integer(value): metadata[field.key] = .stringConvertible(value)
            case let .real(value): metadata[field.key] = .stringConvertible(value)
            }
        }
        return metadata
    }

    /// A field's value: numbers stay numbers in JSON.
    enum Value {
        case text(String)
        case integer(Int)
        case real(Double)
    }

    /// The fields sorted by key, as the handlers order metadata; a response's log field replaces a standard
    /// one of the same name.
    static func fields(of record: RequestRecord) -> [(key: String, value: Value)] {
        var fields: [(key: String, value: Value)] = []
        standardFields(of: record) { fields.append(($0, $1)) }
        guard !record.logFields.isEmpty else { return fields }
        for field in record.logFields {
            if let index = fields.firstIndex(where: { $0.key == field.name }) {
                fields[index].value = .text(field.value)
            } else {
                fields.append((field.name, .text(field.value)))
            }
        }
        fields.sort { $0.key < $1.key }
        return fields
    }

    /// The line `TextLogHandler` or `JSONLogHandler` writes for `logger.info("request", metadata:)`.
    static func render(_ record: RequestRecord, format: LogFormat, label: String) -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(320)
        switch format {
        case .text:
            LogTimestamp.appendNow(to: &line)
            line.append(contentsOf: " info ".utf8)
            line.append(contentsOf: label.utf8)
            line.append(contentsOf: ": request".utf8)
            forEachField(of: record) { key, value in
                line.append(UInt8(ascii: " "))
                line.append(contentsOf: key.utf8)
                line.append(UInt8(ascii: "="))
                switch value {
                case let .text(text):
                    if text.utf8.contains(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\"") }) {
                        LogEscaping.appendQuoted(text, to: &line)
                    } else {
                        line.append(contentsOf: text.utf8)
                    }
                case let .integer(number):
                    LogEscaping.appendDecimal(number, to: &line)
                case let .real(number):
                    appendReal(number, to: &line, quotingNonNumbers: false)
                }
            }
        case .json:
            line.append(contentsOf: #"{"ts":""#.utf8)
            LogTimestamp.appendNow(to: &line)
            line.append(contentsOf: #"","level":"info","logger":"#.utf8)
            LogEscaping.appendQuoted(label, to: &line)
            line.append(contentsOf: #","msg":"request""#.utf8)
            forEachField(of: record) { key, value in
                guard !JSONLogHandler.reservedKeys.contains(key) else { return }
                line.append(UInt8(ascii: ","))
                LogEscaping.appendQuoted(key, to: &line)
                line.append(UInt8(ascii: ":"))
                switch value {
                case let .text(text):
                    LogEscaping.appendQuoted(text, to: &line)
                case let .integer(number):
                    LogEscaping.appendDecimal(number, to: &line)
                case let .real(number):
                    appendReal(number, to: &line, quotingNonNumbers: true)
                }
            }
            line.append(UInt8(ascii: "}"))
        }
        line.append(UInt8(ascii: "\n"))
        return line
    }

    /// Calls `body` for each field in key order. Without log fields (nearly every request) the standard ones
    /// are already in order, so no array is built.
    private static func forEachField(of record: RequestRecord, _ body: (String, Value) -> Void) {
        guard record.logFields.isEmpty else {
            for (key, value) in fields(of: record) { body(key, value) }
            return
        }
        standardFields(of: record, body)
    }

    /// The fields every request line has, in key order.
    private static func standardFields(of record: RequestRecord, _ body: (String, Value) -> Void) {
        body("bytes_in", .integer(record.requestBytes))
        body("bytes_out", .integer(record.responseBytes))
        body("duration_ms", .real((record.duration * 1_000_000).rounded() / 1000))
        body("method", .text(record.method.rawValue))
        body("path", .text(record.path))
        body("remote", .text(record.remoteAddress))
        body("request_id", .text(record.requestID))
        body("route", .text(record.route ?? ServiceMetrics.unmatchedRoute))
        body("status", .integer(record.status))
    }

    /// Appends `value` (a whole number of thousandths) as `Double.description` spells it; with
    /// `quotingNonNumbers`, a spelling that is not a JSON number (`1e+20`) goes in quotes, as `JSONLogHandler`
    /// writes it. Below 10^12 the shortest round-trip form of m/1000 is m's digits with the point moved and
    /// trailing zeros dropped ("12.5", "0.001", "3.0"), written here without formatting a Double; larger values
    /// (or negative, not a duration) take `description`.
    private static func appendReal(_ value: Double, to line: inout [UInt8], quotingNonNumbers: Bool) {
        let thousandths = (value * 1000).rounded()
        guard value >= 0, thousandths < 1e12, thousandths / 1000 == value else {
            let text = value.description
            if quotingNonNumbers && !JSONLogHandler.isJSONNumber(text) {
                LogEscaping.appendQuoted(text, to: &line)
            } else {
                line.append(contentsOf: text.utf8)
            }
            return
        }
        let whole = Int(thousandths)
        LogEscaping.appendDecimal(whole / 1000, to: &line)
        line.append(UInt8(ascii: "."))
        var fraction = whole % 1000
        guard fraction != 0 else {
            line.append(UInt8(ascii: "0"))
            return
        }
        var digits = 3
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        var divisor = 1
        for _ in 1..<digits { divisor *= 10 }
        while divisor > 0 {
            line.append(UInt8(ascii: "0") + UInt8(fraction / divisor))
            fraction %= divisor
            divisor /= 10
        }
    }
}
