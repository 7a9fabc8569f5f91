import Foundation
import KotobaHTTP
import Testing
@testable import KotobaService

/// `POST /models/{name}` answers in the Hugging Face Inference API's nesting for each task.
@Suite struct HuggingFaceShapeTests {
    private func post(_ model: String, _ body: String) throws -> Any {
        let response = ServedFixtures.send(ServedFixtures.shared, .post, "/models/\(model)", body: body)
        #expect(response.status == .ok, "\(String(decoding: response.body, as: UTF8.self))")
        return try JSONSerialization.jsonObject(with: Data(response.body))
    }

    @Test func fillMaskIsFlatForOneMaskAndNestedForSeveral() throws {
        let one = try #require(try post("mlm", #"{"inputs": "the cat [MASK] on the mat.", "parameters": {"top_k": 2}}"#) as? [[String: Any]])
        #expect(one.count == 2)
        #expect(Set(one[0].keys) == ["score", "token", "token_str", "sequence"])
        let two = try #require(try post("mlm", #"{"inputs": "paris is the [MASK] of [MASK].", "parameters": {"top_k": 3}}"#) as? [[[String: Any]]])
        #expect(two.map(\.count) == [3, 3])
        let list = try #require(try post("mlm", #"{"inputs": ["a [MASK] dog", "the [MASK] sat"], "options": {"wait_for_model": true}}"#) as? [[[String: Any]]])
        #expect(list.map(\.count) == [5, 5])
    }

    @Test func classificationIsAListOfLabelListsEvenForOneInput() throws {
        let one = try #require(try post("sentiment", #"{"inputs": "a dog"}"#) as? [[[String: Any]]])
        #expect(one.count == 1)
        #expect(Set(one[0].compactMap { $0["label"] as? String }) == ["negative", "neutral", "positive"])
        let top = try #require(try post("sentiment", #"{"inputs": ["a dog", "a cat"], "parameters": {"top_k": 1}}"#) as? [[[String: Any]]])
        #expect(top.map(\.count) == [1, 1])
    }

    @Test func nextSentenceTakesTextPairsAndAnswersLikeClassification() throws {
        let pairs = try #require(try post("nsp", #"{"inputs": {"text": "the cat sat.", "text_pair": "it was happy."}}"#) as? [[[String: Any]]])
        #expect(pairs.count == 1)
        #expect(Set(pairs[0].compactMap { $0["label"] as? String }) == ["is_next", "not_next"])
    }

    @Test func featureExtractionIsAVectorOrAListOfVectors() throws {
        let one = try #require(try post("embedder", #"{"inputs": "a dog", "normalize": true, "truncate": true}"#) as? [Any])
        #expect(one.count == 32 && one.allSatisfy { $0 is NSNumber })
        let two = try #require(try post("embedder", #"{"inputs": ["a dog", "a cat"]}"#) as? [[Any]])
        #expect(two.map(\.count) == [32, 32])
    }

    @Test func unknownParametersAndModelsAreRefused() throws {
        let unknown = ServedFixtures.send(ServedFixtures.shared, .post, "/models/mlm",
                                          body: #"{"inputs": "a [MASK]", "parameters": {"topk": 2}}"#)
        #expect(unknown.status == .unprocessableContent)
        let missing = ServedFixtures.send(ServedFixtures.shared, .post, "/models/nope", body: #"{"inputs": "a"}"#)
        #expect(missing.status == .notFound)
        #expect(try ServedFixtures.json(missing)["error"] as? String == "no model named \"nope\"")
    }
}
