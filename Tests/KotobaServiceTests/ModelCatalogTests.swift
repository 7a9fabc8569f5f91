import Dispatch
import Foundation
import Logging
import KotobaHTTP
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

    func load(_ spec: ModelSpec) throws -> any LoadedModel {
        gate?.wait()
        if broken.contains(spec.name) { throw Broken(name: spec.name) }
        return Model(name: spec.name)
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

/// Reloads: the list follows the configuration, replaced files load again, failures keep what serves.
@Suite struct ModelCatalogReloadTests {
    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// A folder per model name under a fresh temporary directory, each holding one weights file.
    final class Folders: Sendable {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kotoba-reload-\(UUID().uuidString)")

        func path(_ name: String) -> String { root.appendingPathComponent(name).path }

        func make(_ names: String...) throws {
            for name in names {
                try FileManager.default.createDirectory(atPath: path(name), withIntermediateDirectories: true)
                try Data("weights of \(name)".utf8).write(to: URL(fileURLWithPath: path(name) + "/model.safetensors"))
            }
        }

        /// Replaces the weights file by rename, as deployments do.
        func replace(_ name: String) throws {
            let staged = URL(fileURLWithPath: path(name) + "/.model.safetensors.new")
            try Data("new weights of \(name)".utf8).write(to: staged)
            #expect(rename(staged.path, path(name) + "/model.safetensors") == 0)
        }

        func spec(_ name: String, task: String = "fill-mask") -> ModelSpec {
            ModelSpec(name: name, task: task, path: path(name))
        }

        deinit { try? FileManager.default.removeItem(at: root) }
    }

    func reloadAndWait(_ catalog: ModelCatalog, to specs: [ModelSpec]) -> ReloadReport {
        let report = Locked<ReloadReport?>(nil)
        let done = DispatchSemaphore(value: 0)
        catalog.reload(readModels: { specs }) { result in
            report.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return report.current ?? ReloadReport()
    }

    @Test func reloadAddsReplacesRemovesAndKeepsTheRest() throws {
        let folders = Folders()
        try folders.make("kept", "changed", "gone", "added")
        let catalog = ModelCatalog(models: [folders.spec("kept"), folders.spec("changed"), folders.spec("gone")],
                                   loaders: ["fill-mask": RecordingLoader()], logger: logger)
        catalog.loadAllAndWait()
        let before = Dictionary(uniqueKeysWithValues: catalog.entries.map { ($0.spec.name, $0.loadID) })
        let retired = Locked<[String: UInt64]>([:])
        catalog.onRetire { name, id in retired.withLock { $0[name] = id } }

        try folders.replace("changed")
        var kept = folders.spec("kept")
        kept.isDefault = true
        let report = reloadAndWait(catalog, to: [folders.spec("added"), kept, folders.spec("changed")])

        #expect(report.added == ["added"])
        #expect(report.replaced == ["changed"])
        #expect(report.removed == ["gone"])
        #expect(report.unchanged == ["kept"])
        #expect(report.succeeded)
        // The new order is the configuration's; the kept model is the same load with its new flag.
        #expect(catalog.entries.map(\.spec.name) == ["added", "kept", "changed"])
        let after = Dictionary(uniqueKeysWithValues: catalog.entries.map { ($0.spec.name, $0.loadID) })
        #expect(after["kept"] == before["kept"])
        #expect(catalog.entries[1].spec.isDefault)
        #expect(after["changed"] != before["changed"])
        #expect(retired.current == ["changed": before["changed"] ?? 0, "gone": before["gone"] ?? 0])
        #expect(catalog.allReady)

        // Nothing changed since: a second reload keeps every load.
        let again = reloadAndWait(catalog, to: [folders.spec("added"), kept, folders.spec("changed")])
        #expect(again.unchanged == ["added", "kept", "changed"])
        #expect(catalog.entries.map(\.loadID) == [after["added"], after["kept"], after["changed"]])
    }

    @Test func aFailedReloadKeepsTheServingVersionAndANewFailureIsNotReady() throws {
        let folders = Folders()
        try folders.make("served", "new")
        let broken = Locked<Set<String>>([])
        let catalog = ModelCatalog(models: [folders.spec("served")],
                                   makeLoaders: { ["fill-mask": RecordingLoader(broken: broken.current)] }, logger: logger)
        catalog.loadAllAndWait()
        let servingID = catalog.entries[0].loadID

        broken.withLock { $0 = ["served", "new"] }
        try folders.replace("served")
        let report = reloadAndWait(catalog, to: [folders.spec("served"), folders.spec("new")])
        #expect(!report.succeeded)
        #expect(report.failed == ["served": "weights for served are unreadable", "new": "weights for new are unreadable"])
        let served = catalog.entries[0]
        #expect(served.state.isReady && served.loadID == servingID, "the previous version keeps serving")
        #expect(served.reloadError == "weights for served are unreadable")
        #expect(catalog.entries[1].state.name == "failed")
        #expect(!catalog.allReady, "a model that never loaded is not ready")
        let (status, body) = ProbeRoutes.readiness(phase: .serving, entries: catalog.entries)
        #expect(status == .serviceUnavailable)
        #expect(body.models.map(\.reloadError) == ["weights for served are unreadable", nil])

        // Mended files load at the next reload, which clears the error.
        broken.withLock { $0 = [] }
        let mended = reloadAndWait(catalog, to: [folders.spec("served"), folders.spec("new")])
        #expect(mended.succeeded)
        #expect(mended.replaced == ["served", "new"])
        #expect(catalog.allReady)
        #expect(catalog.entries[0].reloadError == nil && catalog.entries[0].loadID != servingID)
    }

    @Test func anUnreadableConfigurationChangesNothing() throws {
        let folders = Folders()
        try folders.make("a")
        let catalog = ModelCatalog(models: [folders.spec("a")], loaders: ["fill-mask": RecordingLoader()], logger: logger)
        catalog.loadAllAndWait()
        let report = Locked<ReloadReport?>(nil)
        let done = DispatchSemaphore(value: 0)
        struct Unreadable: Error, CustomStringConvertible { var description: String { "kotoba.json: not JSON" } }
        catalog.reload(readModels: { throw Unreadable() }) { result in
            report.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        #expect(report.current?.configurationError == "kotoba.json: not JSON")
        #expect(report.current?.succeeded == false)
        #expect(catalog.entries.map(\.spec.name) == ["a"] && catalog.allReady)
    }

    @Test func reloadsAskedForDuringOneAreCoalescedIntoOneMore() throws {
        let folders = Folders()
        try folders.make("a")
        let gate = DispatchSemaphore(value: 0)
        let catalog = ModelCatalog(models: [folders.spec("a")], loaders: ["fill-mask": RecordingLoader(gate: gate)],
                                   logger: logger)
        catalog.loadAll()
        let reads = Locked(0)
        let answered = Locked(0)
        let done = DispatchSemaphore(value: 0)
        // The first load holds the pass queue, so all five wait: one pass reads the configuration for all.
        for _ in 0..<5 {
            catalog.reload(readModels: {
                reads.withLock { $0 += 1 }
                return [folders.spec("a")]
            }) { _ in
                answered.withLock { $0 += 1 }
                done.signal()
            }
        }
        gate.signal()
        for _ in 0..<5 { done.wait() }
        #expect(reads.current == 1)
        #expect(answered.current == 5)
    }
}
