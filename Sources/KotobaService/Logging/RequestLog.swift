import Foundation
import KotobaHTTP
import Logging

/// The one log line per answered request, written from the server's completion hook.
enum RequestLog {
    static func metadata(for record: RequestRecord) -> Logger.Metadata {
        [
            "request_id": "\(record.requestID)",
            "method": "\(record.method.rawValue)",
            "path": "\(record.path)",
            "route": "\(record.route ?? ServiceMetrics.unmatchedRoute)",
            "status": "\(record.status)",
            "bytes_in": "\(record.requestBytes)",
            "bytes_out": "\(record.responseBytes)",
            "duration_ms": "\(String(format: "%.3f", record.duration * 1000))",
            "remote": "\(record.remoteAddress)",
        ]
    }
}
