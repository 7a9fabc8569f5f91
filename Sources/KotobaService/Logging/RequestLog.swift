import Foundation
import KotobaHTTP
import Logging

/// The one log line per answered request, written from the server's completion hook.
enum RequestLog {
    static func metadata(for record: RequestRecord) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "request_id": "\(record.requestID)",
            "method": "\(record.method.rawValue)",
            "path": "\(record.path)",
            "route": "\(record.route ?? ServiceMetrics.unmatchedRoute)",
            "status": .stringConvertible(record.status),
            "bytes_in": .stringConvertible(record.requestBytes),
            "bytes_out": .stringConvertible(record.responseBytes),
            "duration_ms": .stringConvertible((record.duration * 1_000_000).rounded() / 1000),
            "remote": "\(record.remoteAddress)",
        ]
        for field in record.logFields { metadata[field.name] = "\(field.value)" }
        return metadata
    }
}
