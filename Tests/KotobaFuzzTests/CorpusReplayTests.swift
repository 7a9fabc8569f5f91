import Foundation
import Testing
@testable import kotoba_fuzz

/// Every fuzz target over its committed seeds and the reproducers of bugs it found, so those stay fixed
/// without a libFuzzer build.
@Suite struct CorpusReplayTests {
    static let corpus = Fixtures.path("Fuzz/Corpus")

    @Test(arguments: FuzzTargets.all.map(\.name))
    func seedsKeepTheRules(_ name: String) throws {
        let target = try #require(FuzzTargets.named(name))
        let files = Replay.files([Self.corpus.appendingPathComponent(name).path])
        #expect(!files.isEmpty, "Fuzz/Corpus/\(name) has no seeds")
        let failures = Replay.run(target, files: files)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test func everyCorpusFolderIsATarget() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).filter { !$0.hasPrefix(".") }
        #expect(Set(folders).subtracting(FuzzTargets.all.map(\.name)).isEmpty, "\(folders)")
    }
}
