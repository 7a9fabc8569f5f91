import Foundation

/// How the server listens, how much it accepts and how long it waits.
package struct HTTPServerConfiguration: Sendable {
    package var host: String
    /// 0 asks the kernel for an ephemeral port; `HTTPServer.start()` returns the bound one.
    package var port: Int
    /// Serial queues that run every connection's I/O; a few suffice because nothing on them blocks.
    package var eventLoopCount: Int
    /// Connections beyond this are answered 503 and closed at accept.
    package var maxConnections: Int
    /// Connections one client address may hold open; beyond it, 429 and close at accept (0: no cap). Keeps
    /// one client trickling bytes on thousands of connections from taking every slot.
    package var maxConnectionsPerClient: Int
    package var backlog: Int
    package var limits: Limits
    package var timeouts: Timeouts

    package init(host: String = "0.0.0.0", port: Int = 8080,
                eventLoopCount: Int = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8)),
                maxConnections: Int = 4096, maxConnectionsPerClient: Int = 0, backlog: Int = 1024,
                limits: Limits = Limits(), timeouts: Timeouts = Timeouts()) {
        self.host = host
        self.port = port
        self.eventLoopCount = eventLoopCount
        self.maxConnections = maxConnections
        self.maxConnectionsPerClient = maxConnectionsPerClient
        self.backlog = backlog
        self.limits = limits
        self.timeouts = timeouts
    }

    /// Size limits, each with the status it produces when exceeded.
    package struct Limits: Sendable {
        /// Longer request-targets get 414.
        package var maxURILength: Int
        /// A head (request line + fields) or trailer section larger than this gets 431.
        package var maxHeaderBytes: Int
        /// More fields than this get 431.
        package var maxHeaderCount: Int
        /// Larger bodies get 413, decided from Content-Length before the body is read.
        package var maxBodyBytes: Int

        package init(maxURILength: Int = 8 * 1024, maxHeaderBytes: Int = 32 * 1024,
                    maxHeaderCount: Int = 100, maxBodyBytes: Int = 2 * 1024 * 1024) {
            self.maxURILength = maxURILength
            self.maxHeaderBytes = maxHeaderBytes
            self.maxHeaderCount = maxHeaderCount
            self.maxBodyBytes = maxBodyBytes
        }
    }

    /// Absolute deadlines in seconds: they run from a fixed start, so trickling bytes does not extend them.
    package struct Timeouts: Sendable {
        /// From the first byte of a request (or the accept) to the end of its head; 408 when passed.
        package var header: Double
        /// From the end of the head to the end of the body; 408 when passed.
        package var body: Double
        /// From the end of a response to the first byte of the next request; closed quietly when passed.
        package var idleKeepAlive: Double
        /// From the start of writing a response to its last byte; the connection is dropped when passed.
        package var write: Double

        package init(header: Double = 10, body: Double = 30, idleKeepAlive: Double = 60, write: Double = 30) {
            self.header = header
            self.body = body
            self.idleKeepAlive = idleKeepAlive
            self.write = write
        }
    }
}
