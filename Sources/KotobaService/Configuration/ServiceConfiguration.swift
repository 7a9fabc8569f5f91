import Logging

/// Everything `kotoba serve` can be told, with the defaults that apply when no layer sets a key.
///
/// `ConfigurationLoader` fills it from defaults, then the JSON file, then `KOTOBA_*` variables, then flags;
/// `ConfigurationKey.all` is the one table naming each key in all four places.
public struct ServiceConfiguration: Sendable, Equatable {
    /// Address the listener binds (`0.0.0.0` for every interface).
    public var host = "127.0.0.1"
    /// TCP port; 0 asks the kernel for a free one, which the service logs once bound.
    public var port = 8080
    /// Event-loop threads; 0 means one per core.
    public var eventLoops = 0
    /// Connections accepted at once; the listener stops accepting above it.
    public var maxConnections = 1024
    /// Request size limits enforced by the HTTP layer before a handler runs.
    public var limits = Limits()
    /// Per-phase timeouts in seconds.
    public var timeouts = Timeouts()
    /// Seconds between the shutdown signal and closing the listener: `/readyz` says 503 meanwhile so that
    /// load balancers, which deregister asynchronously, stop sending traffic before connections are refused.
    public var drainSeconds = 5.0
    /// Seconds in-flight requests get to finish once the listener is closed.
    public var shutdownDeadlineSeconds = 10.0
    /// Log line format and threshold.
    public var log = LogSettings()
    /// Models to load after the port opens, in order.
    public var models: [ModelSpec] = []
    /// How requests to one model are grouped into batches and queued.
    public var batching = Batching()
    /// Per-request limits of the task endpoints.
    public var requests = Requests()
    /// Threads that run inference, apart from the event loops.
    public var inferenceWorkers = 0

    public init() {}

    /// Dynamic batching, per model.
    public struct Batching: Sendable, Equatable {
        /// Most requests in one batch.
        public var maxBatchSize = 32
        /// Most tokens (summed over the batch's inputs) in one batch; a larger request runs alone.
        public var maxBatchTokens = 16_384
        /// How long an idle model waits after a request arrives for others to join its batch.
        public var maxWaitSeconds = 0.002
        /// Requests waiting per model; one more is refused with 429.
        public var queueCapacity = 256

        public init() {}
    }

    /// Limits on one task request.
    public struct Requests: Sendable, Equatable {
        /// Deadline covering queue and compute when the request sends no `X-Request-Timeout-Ms` (504 after).
        public var timeoutSeconds = 30.0
        /// Most inputs in one request's `text` list (422 above).
        public var maxInputs = 64

        public init() {}
    }

    /// Limits on one request, checked as bytes arrive.
    public struct Limits: Sendable, Equatable {
        /// Longest request target, in bytes (414 above).
        public var maxURILength = 8 * 1024
        /// Largest request head (request line and headers), in bytes (431 above).
        public var maxHeaderBytes = 32 * 1024
        /// Most header fields in one request (431 above).
        public var maxHeaderCount = 100
        /// Largest body, in bytes (413 above).
        public var maxBodyBytes = 1024 * 1024

        public init() {}
    }

    /// How long each phase of a connection may take, in seconds.
    public struct Timeouts: Sendable, Equatable {
        /// From the first byte of a request to the end of its head.
        public var headerSeconds = 10.0
        /// From the end of the head to the end of the body.
        public var bodySeconds = 30.0
        /// How long a kept-alive connection may sit idle between requests.
        public var idleKeepAliveSeconds = 60.0
        /// How long writing one response may take.
        public var writeSeconds = 30.0

        public init() {}
    }

    /// Log line format and threshold.
    public struct LogSettings: Sendable, Equatable {
        /// `text` for people, `json` for collectors (one object per line).
        public var format = LogFormat.text
        /// Lowest level written: trace, debug, info, notice, warning, error, critical.
        public var level = Logger.Level.info

        public init() {}
    }
}

/// How log lines are written.
public enum LogFormat: String, Sendable, Equatable, CaseIterable {
    /// `2026-12-01T07:00:00.000Z info kotoba: message key=value` lines.
    case text
    /// One JSON object per line.
    case json
}
