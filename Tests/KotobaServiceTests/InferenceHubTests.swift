import Logging
import Testing
@testable import KotobaService

/// The hub's batchers across reloads: one per loaded version, and none kept for a version a reload retired.
@Suite struct InferenceHubTests {
    /// Echoes its items.
    struct EchoModel: ServedModel {
        static let task = "echo"
        var metadata: ModelMetadata { ModelMetadata(architecture: "Echo") }

        func runBatch(_ items: [Int], isCancelled: @escaping @Sendable (Int) -> Bool) -> [Result<Int, any Error>] {
            items.map { .success($0) }
        }
    }

    private func hub(_ metrics: ServiceMetrics = ServiceMetrics(inFlightRequests: { 0 }, openConnections: { 0 },
                                                                modelStates: { [] })) -> InferenceHub {
        var configuration = ServiceConfiguration()
        configuration.inferenceWorkers = 1
        return InferenceHub(configuration: configuration, metrics: metrics.tasks,
                            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    }

    @Test func eachLoadedVersionKeepsOneBatcher() {
        let hub = hub()
        defer { hub.stop() }
        let first = hub.batcher(for: "m", loadID: 1, EchoModel())
        #expect(hub.batcher(for: "m", loadID: 1, EchoModel()) === first)
        #expect(hub.batcher(for: "m", loadID: 2, EchoModel()) !== first)
    }

    /// A request that resolved the old version just before a reload retired it gets a batcher that goes with
    /// it; kept in the hub, it would hold the old weights for the life of the process.
    @Test func aRetiredVersionGetsNoBatcherKeptInTheHub() {
        let hub = hub()
        defer { hub.stop() }
        weak var retiredBatcher: Batcher<Int, Int>?
        weak var retiredAfterRetire: Batcher<Int, Int>?
        do {
            let before = hub.batcher(for: "m", loadID: 1, EchoModel())
            retiredBatcher = before
            hub.retire(name: "m", loadID: 1)
            let late = hub.batcher(for: "m", loadID: 1, EchoModel())
            retiredAfterRetire = late
            #expect(late !== before)
        }
        #expect(retiredBatcher == nil)
        #expect(retiredAfterRetire == nil)
        // The new version is kept as usual.
        let current = hub.batcher(for: "m", loadID: 2, EchoModel())
        #expect(hub.batcher(for: "m", loadID: 2, EchoModel()) === current)
    }

    /// A removed model's last request, on a batcher of its own, must not bring back the model's queue gauge.
    @Test func aRetiredVersionsBatcherDoesNotReportTheQueue() throws {
        let metrics = ServiceMetrics(inFlightRequests: { 0 }, openConnections: { 0 }, modelStates: { [] })
        let hub = hub(metrics)
        defer { hub.stop() }
        let first = hub.batcher(for: "m", loadID: 1, EchoModel())
        #expect(try ParsedExposition(metrics.registry.render()).value("kotoba_queue_size", ["model": "m"]) == 0)
        hub.retire(name: "m", loadID: 1)
        let late = hub.batcher(for: "m", loadID: 1, EchoModel())
        #expect(try ParsedExposition(metrics.registry.render()).value("kotoba_queue_size", ["model": "m"]) == nil)
        _ = (first, late)
    }
}
