import Foundation
import Logging

/// Writes each log event as one JSON object on one line, for log collectors:
/// `{"ts":"2026-12-01T07:00:00.123Z","level":"info","logger":"kotoba","msg":"request","status":200,...}`.
///
/// `.stringConvertible` values whose text is a JSON number (`status`, `duration_ms`) are written as numbers so
/// collectors can aggregate them without a parsing rule; `.string` values stay strings even when they look
/// numeric, so a client's all-digit request id keeps its type.
package struct JSONLogHandler: LogHandler {
    package var logLevel: Logger.Level = .info
    package var metadata: Logger.Metadata = [:]
    package var metadataProvider: Logger.MetadataProvider?
    package let label: String
    package let sink: LineSink

    package init(label: String, sink: LineSink = .standardError) {
        self.label = label
        self.sink = sink
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var line = "{\"ts\":\"\(LogTimestamp.now())\",\"level\":\"\(event.level.rawValue)\""
        line += ",\"logger\":" + Self.quote(label) + ",\"msg\":" + Self.quote(event.message.description)
        for (key, value) in merged.sorted(by: { $0.key < $1.key })
        where !Self.reservedKeys.contains(key) {
            line += "," + Self.quote(key) + ":" + Self.render(value)
        }
        line += "}\n"
        sink.write(line)
    }

    static func render(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case let .string(text):
            quote(text)
        case let .stringConvertible(convertible):
            isJSONNumber(convertible.description) ? convertible.description : quote(convertible.description)
        case let .array(values):
            "[" + values.map(render).joined(separator: ",") + "]"
        case let .dictionary(values):
            "{" + values.sorted { $0.key < $1.key }.map { quote($0.key) + ":" + render($0.value) }
                .joined(separator: ",") + "}"
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?`: the number forms JSON allows that our metadata uses.
    static func isJSONNumber(_ text: String) -> Bool {
        var rest = Substring(text)
        if rest.first == "-" { rest = rest.dropFirst() }
        let parts = rest.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit),
              whole == "0" || whole.first != "0" else { return false }
        guard parts.count == 2 else { return true }
        return !parts[1].isEmpty && parts[1].allSatisfy(\.isASCIIDigit)
    }

    /// A JSON string literal (RFC 8259 section 7): quotes, backslashes and control characters escaped.
    static func quote(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 2)
        LogEscaping.appendQuoted(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Keys the line itself uses; metadata under these names is left out rather than written twice.
    static let reservedKeys: Set<String> = ["ts", "level", "logger", "msg"]
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
