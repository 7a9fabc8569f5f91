import Logging

/// Writes each log event as one line for people:
/// `2026-12-01T07:00:00.123Z info kotoba: request method=GET path=/livez status=200`.
///
/// Like swift-log's `StreamLogHandler` but with the message before the metadata, which keeps the request
/// lines readable, and with the same timestamp form as `JSONLogHandler`.
package struct TextLogHandler: LogHandler {
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
        var line = "\(LogTimestamp.now()) \(event.level.rawValue) \(label): \(event.message)"
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            let text = value.description
            line += " \(key)=" + (text.contains(where: { $0 == " " || $0 == "\"" }) ? JSONLogHandler.quote(text) : text)
        }
        sink.write(line + "\n")
    }
}
