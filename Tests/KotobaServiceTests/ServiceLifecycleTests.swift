import Dispatch
import Foundation
import KotobaHTTP
import Logging
import Testing
@testable import KotobaService

/// `Service` over loopback in this process: port first, models after, and the drain sequence.
@Suite struct ServiceLifecycleTests {
    private func configuration(drain: Double, models: [ModelSpec] = []) -> ServiceConfiguration {
        var configuration = ServiceConfiguration()
        configuration.port = 0
        configuration.eventLoops = 1
        configuration.drainSeconds = drain
        configuration.shutdownDeadlineSeconds = 1
        configuration.models = models
        return configuration
    }

    private let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    @Test func portOpensBeforeModelsLoadAndUnsupportedTaskKeepsReadinessDown() throws {
        let gate = DispatchSemaphore(value: 0)
        let models = [ModelSpec(name: "bert", task: "fill-mask", path: "a"),
                      ModelSpec(name: "mt", task: "translation", path: "b")]
        let service = try Service(configuration: configuration(drain: 0, models: models),
                              loaders: ["fill-mask": RecordingLoader(gate: gate)], logger: quiet)
        let port = try service.start()
        // The first model's load is held at the gate, yet the port already answers.
        #expect(try HealthProbe.get(host: "127.0.0.1", port: port, path: "/livez").status == 200)
        let loading = try HealthProbe.get(host: "127.0.0.1", port: port, path: "/readyz")
        #expect(loading.status == 503)
        #expect(loading.header("Server") == "kotoba/\(ServiceInfo.version)")
        gate.signal()
        #expect(KotobaProcess.eventually(within: 5) { service.catalog.entries.allSatisfy { $0.state.name != "pending" && $0.state.name != "loading" } })
        let settled = try HealthProbe.get(host: "127.0.0.1", port: port, path: "/readyz")
        #expect(settled.status == 503)
        let body = String(decoding: settled.body, as: UTF8.self)
        #expect(body.contains(#""error":"task translation not supported yet""#), "\(body)")
        #expect(body.contains(#"{"name":"bert","state":"ready","task":"fill-mask"}"#), "\(body)")

        func scrape() throws -> ParsedExposition {
            let metrics = try HealthProbe.get(host: "127.0.0.1", port: port, path: "/metrics")
            return try ParsedExposition(String(decoding: metrics.body, as: UTF8.self))
        }
        // The completion hook that counts a request runs after its response is written, so the count may
        // trail the client by a moment.
        #expect(KotobaProcess.eventually(within: 2) {
            (try? scrape().value("kotoba_http_requests_total", ["route": "/readyz", "method": "GET", "status": "503"])) == 2
        })
        let parsed = try scrape()
        #expect(parsed.value("kotoba_model_state", ["model": "mt", "task": "translation", "state": "failed"]) == 1)
        // The scrape itself is in flight on its own connection while it renders.
        #expect(parsed.value("kotoba_http_requests_in_flight") == 1)
        #expect(try #require(parsed.value("kotoba_http_open_connections")) >= 1)

        let stopped = DispatchSemaphore(value: 0)
        service.beginShutdown { stopped.signal() }
        #expect(stopped.wait(timeout: .now() + 5) == .success)
        #expect(service.phase == .stopped)
    }

    @Test func secondShutdownRequestEndsTheDrainEarly() throws {
        let service = try Service(configuration: configuration(drain: 30), logger: quiet)
        let port = try service.start()
        let stopped = DispatchSemaphore(value: 0)
        service.beginShutdown { stopped.signal() }
        #expect(service.phase == .draining)
        #expect(try HealthProbe.get(host: "127.0.0.1", port: port, path: "/readyz").status == 503)
        #expect(try HealthProbe.get(host: "127.0.0.1", port: port, path: "/livez").status == 200)
        #expect(stopped.wait(timeout: .now() + 0.3) == .timedOut, "the 30 s drain must still be running")
        let started = Date()
        service.beginShutdown()
        #expect(stopped.wait(timeout: .now() + 5) == .success)
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(service.phase == .stopped)
        // Asking again once stopped completes at once.
        let again = DispatchSemaphore(value: 0)
        service.beginShutdown { again.signal() }
        #expect(again.wait(timeout: .now() + 1) == .success)
    }

    /// Closing the listener also closes the task batchers: a request that reaches one after that is told the
    /// service is shutting down (503) instead of queueing behind a stopping pool.
    @Test func closingTheListenerClosesTheBatchers() throws {
        struct Echo: ServedModel {
            static let task = "echo"
            let metadata = ModelMetadata(architecture: "echo")
            func runBatch(_ items: [Int], isCancelled: @escaping @Sendable (Int) -> Bool) -> [Result<Int, any Error>] {
                items.map { .success($0) }
            }
        }
        let service = try Service(configuration: configuration(drain: 0), logger: quiet)
        _ = try service.start()
        let before = Locked<Result<[Int], BatchError>?>(nil)
        service.inference.batcher(for: "echo", loadID: 0, Echo()).submit([1], tokens: [1], deadline: .now() + 5) { result in
            before.withLock { $0 = result.map(\.0) }
        }
        #expect(KotobaProcess.eventually(within: 2) { before.current != nil })
        #expect(before.current == .success([1]))

        let stopped = DispatchSemaphore(value: 0)
        service.beginShutdown { stopped.signal() }
        #expect(stopped.wait(timeout: .now() + 5) == .success)
        let after = Locked<Result<[Int], BatchError>?>(nil)
        // The batcher made before the drain and one made after it both refuse.
        for name in ["echo", "late"] {
            service.inference.batcher(for: name, loadID: 0, Echo()).submit([2], tokens: [1], deadline: .now() + 5) { result in
                after.withLock { $0 = result.map(\.0) }
            }
            #expect(after.current == .failure(.shuttingDown), "\(name)")
        }
    }
}
