import Foundation
import KotobaHTTP
import KotobaTasks

/// The service's metric families: HTTP traffic, the server's connection counts, model states and process
/// readings, all in one registry that `/metrics` renders.
///
/// Requests are labelled by route pattern (`/v1/models/{name}`), never the raw path, and methods outside the
/// standard set fold into `OTHER`, so a scanner cannot grow the series without bound.
package final class ServiceMetrics: Sendable {
    package let registry = MetricsRegistry()
    /// Requests by route, method and status.
    package let requests: CounterFamily
    /// Time from the first byte of a request to the last byte of its response.
    package let duration: HistogramFamily
    package let requestBytes: CounterFamily
    package let responseBytes: CounterFamily
    /// Per-model families of the task endpoints and their batches.
    package let tasks: TaskMetrics
    /// Requests refused for a missing or invalid API key.
    package let authRefusals: CounterFamily
    /// Requests answered per API key id (the key's non-secret digest prefix).
    package let requestsByKey: CounterFamily
    /// Reloads finished, by result.
    package let reloads: CounterFamily
    private let requestBytesTotal: CounterSeries
    private let responseBytesTotal: CounterSeries
    /// The series each (route, method, status) adds to, found once.
    private let traffic = Locked<[TrafficKey: TrafficSeries]>([:])

    /// Latency buckets in seconds: probes answer in well under a millisecond, a long translation takes seconds.
    package static let durationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
    /// Route label for requests that matched no route (404s).
    package static let unmatchedRoute = "unmatched"
    private static let standardMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT"]

    /// Readings owned by others (the HTTP server, the catalogue) come in as closures read at each scrape.
    package init(inFlightRequests: @escaping @Sendable () -> Int, openConnections: @escaping @Sendable () -> Int,
                modelStates: @escaping @Sendable () -> [(model: String, task: String, state: String)],
                startedAt: Date = Date()) {
        requests = registry.counter("kotoba_http_requests_total", help: "HTTP requests answered.",
                                    labels: ["route", "method", "status"])
        duration = registry.histogram("kotoba_http_request_duration_seconds",
                                      help: "Time from a request's first byte to its response's last byte.",
                                      labels: ["route", "method"], buckets: Self.durationBuckets)
        requestBytes = registry.counter("kotoba_http_request_bytes_total", help: "Request bytes received, head and body.")
        responseBytes = registry.counter("kotoba_http_response_bytes_total", help: "Response bytes sent, head and body.")
        requestBytesTotal = requestBytes.series()
        responseBytesTotal = responseBytes.series()
        tasks = TaskMetrics(registry: registry, durationBuckets: Self.durationBuckets)
        authRefusals = registry.counter("kotoba_auth_refusals_total", help: "Requests refused with 401.",
                                        labels: ["reason"])
        requestsByKey = registry.counter("kotoba_requests_by_key_total",
                                         help: "Requests answered per API key id (a prefix of the key's SHA-256).",
                                         labels: ["key_id"])
        reloads = registry.counter("kotoba_reloads_total",
                                   help: "Reloads finished, by result (failed: a model or the configuration did not load).",
                                   labels: ["result"])
        registry.sampled("kotoba_http_requests_in_flight", help: "Requests received and not yet answered.") {
            Double(inFlightRequests())
        }
        registry.sampled("kotoba_http_open_connections", help: "Open client connections.") {
            Double(openConnections())
        }
        registry.sampled("kotoba_model_state", help: "1 for each configured model's current load state.",
                         labels: ["model", "task", "state"]) {
            modelStates().map { ([$0.model, $0.task, $0.state], 1) }
        }
        let start = startedAt.timeIntervalSince1970
        registry.sampled("kotoba_uptime_seconds", help: "Seconds since the service started.") {
            Date().timeIntervalSince1970 - start
        }
        // Read once: neither changes while the process runs.
        let build = [ServiceInfo.version, ComputeEnvironment.kernelPath, ComputeEnvironment.blasCoreType]
        registry.sampled("kotoba_build_info",
                         help: "Always 1; the version, the kernel path (KOTOBA_CPU) and OpenBLAS's core type are labels.",
                         labels: ["version", "kernel_path", "blas_core"]) {
            [(build, 1)]
        }
        registry.sampled("process_resident_memory_bytes", help: "Resident memory size in bytes.") {
            ProcessMetrics.residentMemoryBytes()
        }
        registry.sampled("process_virtual_memory_bytes", help: "Virtual memory size in bytes.") {
            ProcessMetrics.virtualMemoryBytes()
        }
        registry.sampled("process_cpu_seconds_total", help: "User and system CPU time spent in seconds.",
                         type: .counter) {
            ProcessMetrics.cpuSeconds()
        }
        registry.sampled("process_open_fds", help: "Open file descriptors.") {
            ProcessMetrics.openFileDescriptors()
        }
        // Read once: the process start does not move, and /proc may be gone from a later sandbox.
        let processStart = ProcessMetrics.startTimeSeconds() ?? start
        registry.sampled("process_start_time_seconds", help: "Start time of the process since the epoch in seconds.") {
            processStart
        }
    }

    /// Counts one answered request: one lookup of the request's series by a small key, then an atomic add per
    /// counter and one histogram lock. Route labels are patterns and methods fold into the standard set, so the
    /// cache stays as small as the label sets themselves.
    package func record(route: String?, method: String, status: Int, seconds: Double,
                       requestBytes received: Int, responseBytes sent: Int, keyID: String? = nil) {
        let key = TrafficKey(route: route ?? Self.unmatchedRoute,
                             method: Self.standardMethods.contains(method) ? method : "OTHER", status: status)
        let series = traffic.withLock { $0[key] } ?? trafficSeries(key)
        series.requests.increment()
        series.duration.observe(seconds)
        requestBytesTotal.increment(by: received)
        responseBytesTotal.increment(by: sent)
        if let keyID { requestsByKey.increment([keyID]) }
    }

    private func trafficSeries(_ key: TrafficKey) -> TrafficSeries {
        let created = TrafficSeries(requests: requests.series([key.route, key.method, String(key.status)]),
                                    duration: duration.series([key.route, key.method]))
        traffic.withLock { $0[key] = created }
        return created
    }

    private struct TrafficKey: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    private struct TrafficSeries {
        var requests: CounterSeries
        var duration: HistogramSeries
    }
}
