import Logging

extension ServiceConfiguration.LogSettings {
    /// A logger writing this format at this level, without touching swift-log's process-wide bootstrap
    /// (tests build many services in one process).
    package func makeLogger(label: String = ServiceInfo.name, sink: LineSink = .standardError) -> Logger {
        var logger = Logger(label: label) { label in
            switch format {
            case .json: JSONLogHandler(label: label, sink: sink)
            case .text: TextLogHandler(label: label, sink: sink)
            }
        }
        logger.logLevel = level
        return logger
    }
}
