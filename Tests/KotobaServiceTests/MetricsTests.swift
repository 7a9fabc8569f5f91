import Foundation
import KotobaTasks
import Testing
@testable import KotobaService

@Suite struct MetricsTests {
    @Test func countersIncrementPerLabelSet() throws {
        let registry = MetricsRegistry()
        let counter = registry.counter("things_total", help: "Things.", labels: ["kind"])
        counter.increment(["a"])
        counter.increment(["a"], by: 2)
        counter.increment(["b"])
        let parsed = try ParsedExposition(registry.render())
        #expect(parsed.types["things_total"] == "counter")
        #expect(parsed.helps["things_total"] == "Things.")
        #expect(parsed.value("things_total", ["kind": "a"]) == 3)
        #expect(parsed.value("things_total", ["kind": "b"]) == 1)
        #expect(parsed.samples.count == 2)
    }

    @Test func histogramBucketsAreCumulativeAndInfEqualsCount() throws {
        let registry = MetricsRegistry()
        let histogram = registry.histogram("latency_seconds", help: "Latency.", labels: ["route"], buckets: [0.1, 1, 10])
        let observations = [0.05, 0.1, 0.5, 2, 20, 30]
        for value in observations { histogram.observe(value, ["/x"]) }
        let parsed = try ParsedExposition(registry.render())
        #expect(parsed.types["latency_seconds"] == "histogram")
        func bucket(_ le: String) -> Double? { parsed.value("latency_seconds_bucket", ["route": "/x", "le": le]) }
        // `le` is inclusive: 0.1 falls in the 0.1 bucket.
        #expect(bucket("0.1") == 2)
        #expect(bucket("1") == 3)
        #expect(bucket("10") == 4)
        #expect(bucket("+Inf") == 6)
        #expect(parsed.value("latency_seconds_count", ["route": "/x"]) == Double(observations.count))
        let sum = try #require(parsed.value("latency_seconds_sum", ["route": "/x"]))
        #expect(abs(sum - observations.reduce(0, +)) < 1e-9)
        let buckets = parsed.samples.filter { $0.name == "latency_seconds_bucket" }.map(\.value)
        #expect(buckets == buckets.sorted(), "buckets must never decrease")
    }

    @Test func labelValuesAndHelpAreEscaped() throws {
        let registry = MetricsRegistry()
        let counter = registry.counter("odd_total", help: "Back\\slash and\nnewline.", labels: ["v"])
        counter.increment(["quote\" back\\ new\nline"])
        let text = registry.render()
        #expect(text.contains(#"# HELP odd_total Back\\slash and\nnewline."#))
        let parsed = try ParsedExposition(text)
        #expect(parsed.value("odd_total", ["v": "quote\" back\\ new\nline"]) == 1)
    }

    @Test func numbersUseTheExpositionSpelling() {
        #expect(PrometheusText.number(3) == "3")
        #expect(PrometheusText.number(0.005) == "0.005")
        #expect(PrometheusText.number(.infinity) == "+Inf")
        #expect(PrometheusText.number(-.infinity) == "-Inf")
        #expect(PrometheusText.number(.nan) == "NaN")
        #expect(PrometheusText.number(1e300) == String(1e300))
    }

    @Test func serviceMetricsLabelByRouteAndFoldUnknownMethods() throws {
        let metrics = ServiceMetrics(inFlightRequests: { 2 }, openConnections: { 5 },
                                     modelStates: { [("bert", "fill-mask", "loading")] })
        metrics.record(route: "/v1/models/{name}", method: "GET", status: 200, seconds: 0.002,
                       requestBytes: 0, responseBytes: 100)
        metrics.record(route: "/v1/models/{name}", method: "GET", status: 200, seconds: 0.003,
                       requestBytes: 0, responseBytes: 100)
        metrics.record(route: nil, method: "BREW", status: 404, seconds: 0.0001, requestBytes: 7, responseBytes: 50)
        let parsed = try ParsedExposition(metrics.registry.render())
        #expect(parsed.value("kotoba_http_requests_total",
                             ["route": "/v1/models/{name}", "method": "GET", "status": "200"]) == 2)
        #expect(parsed.value("kotoba_http_requests_total", ["route": "unmatched", "method": "OTHER", "status": "404"]) == 1)
        #expect(parsed.value("kotoba_http_request_duration_seconds_count",
                             ["route": "/v1/models/{name}", "method": "GET"]) == 2)
        #expect(parsed.value("kotoba_http_request_bytes_total") == 7)
        #expect(parsed.value("kotoba_http_response_bytes_total") == 250)
        #expect(parsed.value("kotoba_http_requests_in_flight") == 2)
        #expect(parsed.value("kotoba_http_open_connections") == 5)
        #expect(parsed.value("kotoba_model_state", ["model": "bert", "task": "fill-mask", "state": "loading"]) == 1)
        // The kernel path and BLAS core say which machine-dependent arithmetic produced the results.
        #expect(parsed.value("kotoba_build_info", ["version": ServiceInfo.version, "kernel_path": ComputeEnvironment.kernelPath,
                                                   "blas_core": ComputeEnvironment.blasCoreType]) == 1)
        #expect(["baseline", "avx2", "avx512"].contains(ComputeEnvironment.kernelPath))
        let uptime = try #require(parsed.value("kotoba_uptime_seconds"))
        #expect(uptime >= 0 && uptime < 60)
    }

    /// Counters are atomic and the per-request series are cached, so requests recorded from many threads at once,
    /// each label set first seen by several of them together, must add up exactly.
    @Test func concurrentRecordsAddUpExactly() throws {
        let metrics = ServiceMetrics(inFlightRequests: { 0 }, openConnections: { 0 }, modelStates: { [] })
        let routes = ["/livez", "/readyz", "/v1/models/{name}"]
        let perThread = 5_000
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for index in 0..<perThread {
                metrics.record(route: routes[(index + thread) % routes.count], method: index % 2 == 0 ? "GET" : "BREW",
                               status: 200 + index % 3, seconds: 0.0001 * Double(index % 7), requestBytes: 3,
                               responseBytes: 5)
            }
        }
        let parsed = try ParsedExposition(metrics.registry.render())
        let total = 8 * perThread
        let requests = parsed.samples.filter { $0.name == "kotoba_http_requests_total" }
        #expect(requests.count == routes.count * 2 * 3)
        #expect(requests.map(\.value).reduce(0, +) == Double(total))
        let counts = parsed.samples.filter { $0.name == "kotoba_http_request_duration_seconds_count" }
        #expect(counts.count == routes.count * 2)
        #expect(counts.map(\.value).reduce(0, +) == Double(total))
        #expect(parsed.value("kotoba_http_request_bytes_total") == Double(3 * total))
        #expect(parsed.value("kotoba_http_response_bytes_total") == Double(5 * total))
    }

    @Test func processReadingsComeFromProc() throws {
        let metrics = ServiceMetrics(inFlightRequests: { 0 }, openConnections: { 0 }, modelStates: { [] })
        let parsed = try ParsedExposition(metrics.registry.render())
        let resident = try #require(parsed.value("process_resident_memory_bytes"))
        // A Swift test process holds at least a few MiB and, here, far less than the machine's memory.
        #expect(resident > 4_000_000 && resident < 64_000_000_000)
        let start = try #require(parsed.value("process_start_time_seconds"))
        let now = Date().timeIntervalSince1970
        #expect(start <= now + 1 && start > now - 3600)
        #expect(try #require(parsed.value("process_open_fds")) >= 3)
        #expect(parsed.types["process_cpu_seconds_total"] == "counter")
    }
}
