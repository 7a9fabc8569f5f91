import Logging

/// Everything `kotoba serve` can be told, with the defaults that apply when no layer sets a key.
///
/// `ConfigurationLoader` fills it from defaults, then the JSON file, then `KOTOBA_*` variables, then flags;
/// `ConfigurationKey.all` is the one table naming each key in all four places.
package struct ServiceConfiguration: Sendable, Equatable {
    /// Address the listener binds (`0.0.0.0` for every interface).
    package var host = "127.0.0.1"
    /// TCP port; 0 asks the kernel for a free one, which the service logs once bound.
    package var port = 8080
    /// Event-loop threads; 0 means one per core.
    package var eventLoops = 0
    /// Connections accepted at once; the listener stops accepting above it.
    package var maxConnections = 1024
    /// Request size limits enforced by the HTTP layer before a handler runs.
    package var limits = Limits()
    /// Per-phase timeouts in seconds.
    package var timeouts = Timeouts()
    /// Seconds between the shutdown signal and closing the listener: `/readyz` says 503 meanwhile so that
    /// load balancers, which deregister asynchronously, stop sending traffic before connections are refused.
    package var drainSeconds = 5.0
    /// Seconds in-flight requests get to finish once the listener is closed.
    package var shutdownDeadlineSeconds = 10.0
    /// Log line format and threshold.
    package var log = LogSettings()
    /// Models to load after the port opens, in order.
    package var models: [ModelSpec] = []
    /// How requests to one model are grouped into batches and queued.
    package var batching = Batching()
    /// Per-request limits of the task endpoints.
    package var requests = Requests()
    /// Threads that run inference, apart from the event loops.
    package var inferenceWorkers = 0
    /// API keys.
    package var auth = Auth()
    /// Cross-origin access from browsers.
    package var cors = CORS()
    /// gzip for response bodies.
    package var compression = Compression()
    /// HTTPS.
    package var tls = TLS()
    /// Operator endpoints.
    package var admin = Admin()

    package init() {}

    /// Endpoints that change the running service.
    package struct Admin: Sendable, Equatable {
        /// Serves `POST /admin/reload`; off by default, since anyone who can reach it can make the service
        /// reload (behind API keys when `auth.api_keys_file` is set).
        package var enabled = false

        package init() {}
    }

    /// Who may call the service.
    package struct Auth: Sendable, Equatable {
        /// A file of accepted keys (or their `sha256:` digests), one per line; nil leaves every route open.
        package var apiKeysFile: String?
        /// Lets Prometheus scrape `/metrics` without a key.
        package var exemptMetrics = false

        package init() {}
    }

    /// Cross-origin resource sharing for browser clients.
    package struct CORS: Sendable, Equatable {
        /// Origins allowed to call (`["*"]`: any); empty turns CORS off.
        package var allowedOrigins: [String] = []
        /// Request headers a preflight allows.
        package var allowedHeaders = ["content-type", "authorization", "x-api-key", "x-request-timeout-ms"]
        /// How long a browser may cache a preflight's answer.
        package var maxAgeSeconds = 600

        package init() {}
    }

    /// Response compression.
    package struct Compression: Sendable, Equatable {
        /// gzip bodies for clients that accept it.
        package var enabled = true
        /// Smaller bodies go out as they are: below this, gzip's header costs more than it saves.
        package var minBytes = 1024

        package init() {}
    }

    /// HTTPS through OpenSSL; both files set turns it on.
    package struct TLS: Sendable, Equatable {
        /// PEM certificate, optionally followed by its chain.
        package var certFile: String?
        /// PEM private key of the certificate.
        package var keyFile: String?
        /// Oldest protocol version accepted.
        package var minVersion = TLSMinimumVersion.v1_2

        package init() {}

        /// True when the listener speaks HTTPS.
        package var isEnabled: Bool { certFile != nil && keyFile != nil }
    }

    /// Dynamic batching, per model.
    package struct Batching: Sendable, Equatable {
        /// Most requests in one batch.
        package var maxBatchSize = 32
        /// Most padded tokens (rows × the longest input) in one batch; a larger request is split over batches.
        package var maxBatchTokens = 16_384
        /// How long an idle model waits after a request arrives for others to join its batch.
        package var maxWaitSeconds = 0.002
        /// Requests waiting per model; one more is refused with 429.
        package var queueCapacity = 256
        /// Bytes of attention scores one batch may need (rows × heads × longest² × 4): the largest activation,
        /// so what bounds a batch's memory; a request needing more is split. 0: no bound.
        package var maxBatchMemoryBytes = 128 * 1024 * 1024

        package init() {}
    }

    /// Limits on one task request.
    package struct Requests: Sendable, Equatable {
        /// Deadline covering queue and compute when the request sends no `X-Request-Timeout-Ms` (504 after).
        package var timeoutSeconds = 30.0
        /// Most inputs in one request's `text` list (422 above).
        package var maxInputs = 64

        package init() {}
    }

    /// Limits on one request, checked as bytes arrive.
    package struct Limits: Sendable, Equatable {
        /// Longest request target, in bytes (414 above).
        package var maxURILength = 8 * 1024
        /// Largest request head (request line and headers), in bytes (431 above).
        package var maxHeaderBytes = 32 * 1024
        /// Most header fields in one request (431 above).
        package var maxHeaderCount = 100
        /// Largest body, in bytes (413 above).
        package var maxBodyBytes = 1024 * 1024
        /// Connections one client address may hold open (429 above; 0: no cap), so that one address trickling
        /// bytes on many connections cannot take every slot. Clients behind one NAT or proxy share it.
        package var maxConnectionsPerClient = 256

        package init() {}
    }

    /// How long each phase of a connection may take, in seconds.
    package struct Timeouts: Sendable, Equatable {
        /// From the first byte of a request to the end of its head.
        package var headerSeconds = 10.0
        /// From the end of the head to the end of the body.
        package var bodySeconds = 30.0
        /// How long a kept-alive connection may sit idle between requests.
        package var idleKeepAliveSeconds = 60.0
        /// How long writing one response may take.
        package var writeSeconds = 30.0

        package init() {}
    }

    /// Log line format and threshold.
    package struct LogSettings: Sendable, Equatable {
        /// `text` for people, `json` for collectors (one object per line).
        package var format = LogFormat.text
        /// Lowest level written: trace, debug, info, notice, warning, error, critical.
        package var level = Logger.Level.info

        package init() {}
    }
}

/// The oldest TLS version the listener accepts.
package enum TLSMinimumVersion: String, Sendable, Equatable, CaseIterable {
    case v1_2 = "1.2"
    case v1_3 = "1.3"
}

/// How log lines are written.
package enum LogFormat: String, Sendable, Equatable, CaseIterable {
    /// `2026-12-01T07:00:00.000Z info kotoba: message key=value` lines.
    case text
    /// One JSON object per line.
    case json
}
