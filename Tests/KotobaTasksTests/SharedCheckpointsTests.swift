import Foundation
import KotobaModels
import Testing
@testable import KotobaTasks

@Suite struct SharedCheckpointsTests {
    /// Address of the word-embedding buffer a task's model reads: equal addresses mean one copy in memory.
    private static func embeddingBuffer(_ model: any Sendable) -> UnsafeRawPointer? {
        guard let bert = model as? BertForPreTraining else { return nil }
        return bert.bert.embeddings.word.table.storage.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    @Test func fillMaskAndNextSentenceOfOneFolderShareItsWeights() throws {
        let shared = SharedCheckpoints()
        let directory = BertTaskFixtures.model("bert-pretraining")
        let fill = try FillMaskTask.load(directory: directory, shared: shared)
        // The same folder named another way is the same checkpoint.
        let renamed = URL(fileURLWithPath: directory.path + "/../bert-pretraining/")
        let next = try NextSentenceTask.load(directory: renamed, shared: shared)
        #expect(shared.count == 1)
        let fillWeights = try #require(Self.embeddingBuffer(fill.model))
        #expect(Self.embeddingBuffer(next.model) == fillWeights)

        let alone = try FillMaskTask.load(directory: directory)
        #expect(Self.embeddingBuffer(alone.model) != fillWeights, "without a cache each task loads its own copy")
        // Same weights, so the same answers: tokens exactly, probabilities within 1e-6 (one process and one batch
        // shape, so only a kernel that read the buffers wrongly would move them further).
        let viaCache: [FillMaskCandidate] = try fill.run(["the cat [MASK] happy."]).flatMap { $0.masks.joined() }
        let ownCopy: [FillMaskCandidate] = try alone.run(["the cat [MASK] happy."]).flatMap { $0.masks.joined() }
        #expect(viaCache.map(\.token) == ownCopy.map(\.token) && !ownCopy.isEmpty)
        #expect(zip(viaCache, ownCopy).allSatisfy { abs($0.score - $1.score) <= 1e-6 })
        let pair = [SentencePair(first: "a dog", second: "a cat")]
        let (sharedNext, ownNext) = (try next.run(pair), try NextSentenceTask.load(directory: directory).run(pair))
        #expect(sharedNext.map(\.input) == ownNext.map(\.input))
        #expect(zip(sharedNext, ownNext).allSatisfy { abs($0.isNext - $1.isNext) <= 1e-6 })
    }

    @Test func otherArchitecturesLoadOnTheirOwn() throws {
        let shared = SharedCheckpoints()
        let fill = try FillMaskTask.load(directory: BertTaskFixtures.model("bert-mlm"), shared: shared)
        _ = try NextSentenceTask.load(directory: BertTaskFixtures.model("bert-nsp"), shared: shared)
        #expect(shared.count == 0)
        #expect(try fill.run(["the cat [MASK] happy."]).first?.masks.first?.isEmpty == false)
    }

    @Test func aBrokenFolderIsAnErrorAndIsNotCached() throws {
        let shared = SharedCheckpoints()
        let missing = URL(fileURLWithPath: "/nonexistent/kotoba-shared-checkpoint")
        #expect(throws: TaskLoadError.self) { try FillMaskTask.load(directory: missing, shared: shared) }
        #expect(shared.count == 0)
    }
}
