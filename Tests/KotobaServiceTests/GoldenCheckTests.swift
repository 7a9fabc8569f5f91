import Foundation
import Logging
import Testing
@testable import KotobaService

/// The start-up self-check: a model whose `kotoba-golden.json` its own outputs reproduce becomes ready; one
/// whose outputs drifted fails to load, `/readyz` says which field differed.
@Suite struct GoldenCheckTests {
    /// A copy of a fixture directory with `golden` written beside it.
    private func copy(_ fixture: String, golden: [String: Any]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kotoba-golden-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: ServedFixtures.path(fixture)), to: directory)
        try JSONSerialization.data(withJSONObject: golden).write(to: directory.appendingPathComponent(GoldenCheck.fileName))
        return directory
    }

    private func load(_ directory: URL, task: String, quantization: Quantization = .none) -> ModelLoadState {
        let catalog = ModelCatalog(models: [ModelSpec(name: "m", task: task, path: directory.path, quantization: quantization)],
                                   loaders: ServeRunner.builtInLoaders,
                                   logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        catalog.loadAllAndWait()
        return catalog.entries[0].state
    }

    private func results(_ body: String) throws -> Any {
        let response = ServedFixtures.send(ServedFixtures.shared, .post, "/fill-mask", body: body)
        return try #require(try ServedFixtures.json(response)["results"])
    }

    @Test func aModelThatReproducesItsGoldenOutputsIsReady() throws {
        let request = #"{"text": "the cat [MASK] on the mat.", "top_k": 3}"#
        let golden: [String: Any] = ["request": ["text": "the cat [MASK] on the mat.", "top_k": 3],
                                     "results": try results(request)]
        let directory = try copy("bert-mlm", golden: golden)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(load(directory, task: "fill-mask").isReady)
        // The committed translation fixture ships one (from transformers' outputs) and loads ready.
        #expect(FileManager.default.fileExists(atPath: ServedFixtures.translationDirectory.appendingPathComponent(GoldenCheck.fileName).path))
        #expect(ServedFixtures.catalog.model(named: "marian") != nil)
    }

    @Test func driftedOutputsFailTheLoadNamingTheField() throws {
        let request = #"{"text": "the cat [MASK] on the mat.", "top_k": 3}"#
        var results = try #require(try results(request) as? [[String: Any]])
        var predictions = try #require(results[0]["predictions"] as? [[[String: Any]]])
        predictions[0][1]["score"] = (number(predictions[0][1]["score"]) ?? 0) + 0.01
        results[0]["predictions"] = predictions
        let directory = try copy("bert-mlm", golden: ["request": ["text": "the cat [MASK] on the mat.", "top_k": 3],
                                                      "results": results, "tolerance": 1e-4])
        defer { try? FileManager.default.removeItem(at: directory) }
        guard case let .failed(message) = load(directory, task: "fill-mask") else {
            Issue.record("a drifted model must not load")
            return
        }
        #expect(message.contains("results[0].predictions[0][1].score"), "\(message)")
        let malformed = try copy("bert-mlm", golden: ["request": ["text": "no mask"], "results": []])
        defer { try? FileManager.default.removeItem(at: malformed) }
        guard case let .failed(why) = load(malformed, task: "fill-mask") else {
            Issue.record("a golden request the endpoint refuses must fail the load")
            return
        }
        #expect(why.contains("no [MASK] token"), "\(why)")
    }

    /// An int8 model is checked against the file's `int8` section when it has one (at that section's tolerance),
    /// else against the float results with numbers loosened to `GoldenCheck.int8Tolerance`.
    @Test func int8ModelsUseTheirOwnSectionOrALooseFloatCheck() throws {
        let request = #"{"text": "the cat [MASK] on the mat.", "top_k": 1}"#
        let float = try #require(try results(request) as? [[String: Any]])
        let check: ([[String: Any]]) -> [String: Any] = { ["request": ["text": "the cat [MASK] on the mat.", "top_k": 1], "results": $0] }
        // The float results pass the loose check of an int8 load.
        let loose = try copy("bert-mlm", golden: check(float).merging(["tolerance": 1e-4]) { $1 })
        defer { try? FileManager.default.removeItem(at: loose) }
        #expect(load(loose, task: "fill-mask", quantization: .int8).isReady)
        // A score off by more than the loose tolerance still fails it.
        var far = float
        var predictions = try #require(far[0]["predictions"] as? [[[String: Any]]])
        predictions[0][0]["score"] = (number(predictions[0][0]["score"]) ?? 0) + 0.5
        far[0]["predictions"] = predictions
        let drifted = try copy("bert-mlm", golden: check(far))
        defer { try? FileManager.default.removeItem(at: drifted) }
        #expect(!load(drifted, task: "fill-mask", quantization: .int8).isReady)
        // An int8 section is what an int8 load checks, and only an int8 load: here it is wrong, the float is right.
        let sectioned = try copy("bert-mlm", golden: check(float).merging(["int8": check(far)]) { $1 })
        defer { try? FileManager.default.removeItem(at: sectioned) }
        #expect(load(sectioned, task: "fill-mask").isReady)
        guard case let .failed(message) = load(sectioned, task: "fill-mask", quantization: .int8) else {
            Issue.record("an int8 load must check the int8 section")
            return
        }
        #expect(message.contains("results[0].predictions[0][0].score"), "\(message)")
    }

    /// One file for a checkpoint serving several tasks: each task is checked against its own section only.
    @Test func perTaskChecksApplyToTheirOwnTask() throws {
        let request = #"{"text": "the cat [MASK] on the mat.", "top_k": 3}"#
        let fillMask: [String: Any] = ["request": ["text": "the cat [MASK] on the mat.", "top_k": 3],
                                       "results": try results(request)]
        let wrong: [String: Any] = ["request": ["text": "a", "text_pair": "b"], "results": [["is_next": 2]]]
        let good = try copy("bert-mlm", golden: ["tasks": ["fill-mask": fillMask, "next-sentence": wrong]])
        defer { try? FileManager.default.removeItem(at: good) }
        #expect(load(good, task: "fill-mask").isReady)
        let drifted = try copy("bert-mlm", golden: ["tasks": ["fill-mask": wrong]])
        defer { try? FileManager.default.removeItem(at: drifted) }
        #expect(!load(drifted, task: "fill-mask").isReady)
        let unchecked = try copy("bert-mlm", golden: ["tasks": ["next-sentence": wrong]])
        defer { try? FileManager.default.removeItem(at: unchecked) }
        #expect(load(unchecked, task: "fill-mask").isReady)
    }

    @Test func differenceComparesExactlyExceptFractions() {
        #expect(GoldenCheck.difference(["a": 1, "b": "x", "c": true], ["a": 1, "b": "x", "c": true], tolerance: 0, at: "$") == nil)
        #expect(GoldenCheck.difference(["a": 2], ["a": 1], tolerance: 5, at: "$") != nil)
        #expect(GoldenCheck.difference([0.50001], [0.5], tolerance: 1e-4, at: "$") == nil)
        #expect(GoldenCheck.difference([0.51], [0.5], tolerance: 1e-4, at: "$") == "$[0]: 0.51 differs from 0.5 by more than 0.0001")
        #expect(GoldenCheck.difference(["a": 1], ["b": 1], tolerance: 0, at: "$") != nil)
        #expect(GoldenCheck.difference([1, 2], [1], tolerance: 0, at: "$") != nil)
    }
}
