import Foundation

/// How the server listens, how much it accepts and how long it waits.
public struct HTTPServerConfiguration: Sendable {
    public var host: String
    /// 0 asks the kernel for an ephemeral port; `HTTPServer.start()` returns the bound one.
    public var port: Int
    /// Serial queues that run every connection's I/O; a few suffice because nothing on them blocks.
    public var eventLoopCount: Int
    /// Connections beyond this are answered 503 and closed at accept.
    public var maxConnections: Int
    public var backlog: Int
    public var limits: Limits
    public var timeouts: Timeouts

    public init(host: String = "0.0.0.0", port: Int = 8080,
                eventLoopCount: Int = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8)),
                maxConnections: Int = 4096, backlog: Int = 1024,
                limits: Limits = Limits(), timeouts: Timeouts = Timeouts()) {
        self.host = host
        self.port = port
        self.eventLoopCount = eventLoopCount
        self.maxConnections = maxConnections
        self.backlog = backlog
        self.limits = limits
        self.timeouts = timeouts
    }

    /// Size limits, each with the status it produces when exceeded.
    public struct Limits: Sendable {
        /// Longer request-targets get 414.
        public var maxURILength: Int
        /// A head (request line + fields) or trailer section larger than this gets 431.
        public var maxHeaderBytes: Int
        /// More fields than this get 431.
        public var maxHeaderCount: Int
        /// Larger bodies get 413, decided from Content-Length before the body is read.
        public var maxBodyBytes: Int

        public init(maxURILength: Int = 8 * 1024, maxHeaderBytes: Int = 32 * 1024,
                    maxHeaderCount: Int = 100, maxBodyBytes: Int = 2 * 1024 * 1024) {
            self.maxURILength = maxURILength
            self.maxHeaderBytes = maxHeaderBytes
            self.maxHeaderCount = maxHeaderCount
            self.maxBodyBytes = maxBodyBytes
        }
    }

    /// Absolute deadlines in seconds: they run from a fixed start, so trickling bytes does not extend them.
    public struct Timeouts: Sendable {
        /// From the first byte of a request (or the accept) to the end of its head; 408 when passed.
        public var header: Double
        /// From the end of the head to the end of the body; 408 when passed.
        public var body: Double
        /// From the end of a response to the first byte of the next request; closed quietly when passed.
        public var idleKeepAlive: Double
        /// From the start of writing a response to its last byte; the connection is dropped when passed.
        public var write: Double

        public init(header: Double = 10, body: Double = 30, idleKeepAlive: Double = 60, write: Double = 30) {
            self.header = header
            self.body = body
            self.idleKeepAlive = idleKeepAlive
            self.write = write
        }
    }
}
