import Foundation
import Testing
@testable import KotobaTasks

@Suite struct TextClassificationTaskTests {
    /// Against `TextClassificationPipeline` (softmax for single-label BERT and DistilBERT, sigmoid for
    /// multi-label): labels in the same order exactly, scores within 1e-4.
    @Test func matchesTheTransformersPipeline() throws {
        for example in try BertTaskFixtures.tasks().text_classification.cases {
            let task = try TextClassificationTask.load(directory: BertTaskFixtures.model(example.model))
            let result = try task.run([example.text], options: TextClassificationOptions(topK: example.top_k))[0]
            #expect(result.labels.map(\.label) == example.result.map(\.label), "\(example.model): \(example.text)")
            for (a, e) in zip(result.labels, example.result) {
                #expect(abs(a.score - e.score) <= 1e-4, "\(example.model) \(example.text) \(e.label): \(a.score) vs \(e.score)")
            }
        }
    }

    @Test func problemTypeChoosesTheScoringFunction() throws {
        #expect(try TextClassificationTask.load(directory: BertTaskFixtures.model("bert-multilabel")).defaultFunction == .sigmoid)
        #expect(try TextClassificationTask.load(directory: BertTaskFixtures.model("bert-classifier")).defaultFunction == .softmax)
        // An explicit function wins: raw logits are no longer a distribution.
        let task = try TextClassificationTask.load(directory: BertTaskFixtures.model("bert-classifier"))
        let softmax = try task.run(["a dog"])[0].labels.map(\.score).reduce(0, +)
        #expect(abs(softmax - 1) <= 1e-5)
        let raw = try task.run(["a dog"], options: TextClassificationOptions(function: .sigmoid))[0].labels.map(\.score)
        #expect(raw.allSatisfy { $0 > 0 && $0 < 1 } && abs(raw.reduce(0, +) - 1) > 1e-3)
    }

    @Test func batchOfMixedLengthsEqualsEachInputAlone() throws {
        let task = try TextClassificationTask.load(directory: BertTaskFixtures.model("distilbert-classifier"))
        let texts = ["the cat sat on the mat.", "a dog", "i love this film and the book was good"]
        let together = try task.run(texts)
        for (i, text) in texts.enumerated() {
            let alone = try task.run([text])[0]
            #expect(alone.labels.map(\.label) == together[i].labels.map(\.label))
            for (a, b) in zip(alone.labels, together[i].labels) { #expect(abs(a.score - b.score) <= 1e-6) }
        }
    }

    @Test func labelsFromId2LabelInLogitOrder() throws {
        #expect(try TextClassificationTask.load(directory: BertTaskFixtures.model("bert-classifier")).labels
                == ["negative", "neutral", "positive"])
    }
}
