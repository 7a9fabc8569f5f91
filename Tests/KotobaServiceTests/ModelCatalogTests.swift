import Dispatch
import Foundation
import Logging
import Testing
@testable import KotobaService

/// A loader for tests: gives back a model carrying its name, or throws for names listed as broken.
struct RecordingLoader: ModelLoader {
    struct Model: LoadedModel {
        let name: String
        var metadata: ModelMetadata { ModelMetadata(architecture: "TestArchitecture", parameterCount: 42) }
    }

    struct Broken: Error, CustomStringConvertible {
        let name: String
        var description: String { "weights for \(name) are unreadable" }
    }

    var broken: Set<String> = []
    /// Blocks each load until signalled, so a test can observe the `loading` state.
    var gate: DispatchSemaphore?

    func load(name: String, task: String, path: String) throws -> any LoadedModel {
        gate?.wait()
        if broken.contains(name) { throw Broken(name: name) }
        return Model(name: name)
    }
}

extension ModelCatalog {
    /// Loads everything and waits, for tests.
    func loadAllAndWait() {
        let done = DispatchSemaphore(value: 0)
        loadAll { done.signal() }
        done.wait()
    }
}

@Suite struct ModelCatalogTests {
    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    @Test func noModelsIsReady() {
        let catalog = ModelCatalog(models: [], loaders: [:], logger: logger)
        #expect(catalog.allReady)
        #expect(catalog.entries.isEmpty)
    }

    @Test func taskWithoutLoaderFailsAndIsNeverReady() {
        let catalog = ModelCatalog(models: [ModelSpec(name: "mt", task: "translation", path: "Models/mt")],
                                   loaders: [:], logger: logger)
        #expect(catalog.entries.map(\.state.name) == ["pending"])
        catalog.loadAllAndWait()
        guard case let .failed(message) = catalog.entries[0].state else {
            Issue.record("expected failed, got \(catalog.entries[0].state.name)")
            return
        }
        #expect(message == "task translation not supported yet")
        #expect(!catalog.allReady)
        #expect(catalog.model(named: "mt") == nil)
    }

    @Test func statesMovePendingLoadingReadyAndFailuresKeepTheirMessage() {
        let gate = DispatchSemaphore(value: 0)
        let loader = RecordingLoader(broken: ["bad"], gate: gate)
        let catalog = ModelCatalog(models: [ModelSpec(name: "good", task: "fill-mask", path: "a"),
                                            ModelSpec(name: "bad", task: "fill-mask", path: "b")],
                                   loaders: ["fill-mask": loader], logger: logger)
        let done = DispatchSemaphore(value: 0)
        catalog.loadAll { done.signal() }
        // The loads are blocked on the gate. Up to one per core runs at once, in no set order, so some model is
        // loading and the rest are loading or still pending; none is ready before the gate opens.
        #expect(KotobaProcess.eventually(within: 2) { catalog.entries.contains { $0.state.name == "loading" } })
        #expect(catalog.entries.allSatisfy { ["loading", "pending"].contains($0.state.name) },
                "\(catalog.entries.map(\.state.name))")
        #expect(!catalog.allReady)
        gate.signal()
        gate.signal()
        done.wait()
        #expect(catalog.entries.map(\.state.name) == ["ready", "failed"])
        if case let .failed(message) = catalog.entries[1].state {
            #expect(message == "weights for bad are unreadable")
        }
        #expect(!catalog.allReady)
        #expect((catalog.model(named: "good") as? RecordingLoader.Model)?.name == "good")
    }

    @Test func defaultModelIsTheMarkedOneOrTheOnlyOne() {
        let loader = RecordingLoader()
        let catalog = ModelCatalog(models: [ModelSpec(name: "a", task: "fill-mask", path: "a"),
                                            ModelSpec(name: "b", task: "fill-mask", path: "b", isDefault: true),
                                            ModelSpec(name: "c", task: "classify", path: "c"),
                                            ModelSpec(name: "d", task: "next-sentence", path: "d"),
                                            ModelSpec(name: "e", task: "next-sentence", path: "e")],
                                   loaders: ["fill-mask": loader, "classify": loader, "next-sentence": loader],
                                   logger: logger)
        catalog.loadAllAndWait()
        #expect(catalog.allReady)
        #expect(catalog.defaultModel(for: "fill-mask")?.spec.name == "b")
        #expect(catalog.defaultModel(for: "classify")?.spec.name == "c")
        #expect(catalog.defaultModel(for: "next-sentence") == nil, "two candidates and no default: ambiguous")
        #expect(catalog.defaultModel(for: "translation") == nil)
    }
}
