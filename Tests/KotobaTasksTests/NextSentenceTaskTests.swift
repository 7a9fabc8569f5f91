import Foundation
import Testing
@testable import KotobaTasks

@Suite struct NextSentenceTaskTests {
    /// `softmax(BertForNextSentencePrediction(A, B).logits)[0]` within 1e-4, all pairs in one batch.
    @Test func matchesTransformers() throws {
        let reference = try BertTaskFixtures.tasks().next_sentence
        let task = try NextSentenceTask.load(directory: BertTaskFixtures.model(reference.model))
        let results = try task.run(reference.cases.map { SentencePair(first: $0.first, second: $0.second) })
        for (result, expected) in zip(results, reference.cases) {
            #expect(abs(result.isNext - expected.is_next) <= 1e-4, "\(expected.first) / \(expected.second): \(result.isNext) vs \(expected.is_next)")
        }
        // [CLS] the cat sat . [SEP] it was happy . [SEP]
        #expect(results[0].input == InputReport(inputTokens: 11, removedTokens: 0))
    }

    @Test func preTrainingCheckpointServesNextSentenceToo() throws {
        let task = try NextSentenceTask.load(directory: BertTaskFixtures.model("bert-pretraining"))
        let result = try task.run([SentencePair(first: "a dog", second: "a cat")])
        #expect(result.count == 1 && result[0].isNext >= 0 && result[0].isNext <= 1)
    }
}
