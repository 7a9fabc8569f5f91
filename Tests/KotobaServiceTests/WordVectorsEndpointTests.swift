import Foundation
import KotobaHTTP
import Testing
@testable import KotobaService

/// `/similar` and `/word-vectors` over the gensim fixtures, through the real router, batcher and loader.
@Suite struct WordVectorsEndpointTests {
    static var reference: [String: Any] {
        let url = ServedFixtures.wordVectorsDirectory.appendingPathComponent("reference.json")
        return (try? JSONSerialization.jsonObject(with: Data(contentsOf: url))) as? [String: Any] ?? [:]
    }

    private func post(_ path: String, _ body: String) -> (status: Int, json: [String: Any]) {
        let response = ServedFixtures.send(ServedFixtures.shared, .post, path, body: body)
        let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        return (response.status.code, json)
    }

    private func expected(_ model: String, _ query: String) -> [(String, Double)] {
        let models = Self.reference["models"] as? [String: Any]
        let queries = (models?[model] as? [String: Any])?["queries"] as? [String: Any]
        let results = (queries?[query] as? [String: Any])?["results"] as? [[Any]] ?? []
        return results.map { ($0[0] as? String ?? "", number($0[1]) ?? .nan) }
    }

    @Test(arguments: [("words", "skipgram-bin"), ("words-cbow", "cbow-txt")])
    func similarAnswersAsGensim(model: String, fixture: String) throws {
        for (body, query) in [
            (#"{"positive": ["king", "woman"], "negative": ["man"], "top_k": 8, "model": "\#(model)"}"#, "analogy/3cosadd"),
            (#"{"positive": "Tokyo", "top_k": 8, "model": "\#(model)"}"#, "neighbours_tokyo/3cosadd"),
            (#"{"positive": ["queen"], "negative": ["man", "dog"], "method": "3cosmul", "top_k": 8, "model": "\#(model)"}"#,
             "two_negative/3cosmul"),
        ] {
            let (status, json) = post("/similar", body)
            #expect(status == 200, "\(body): \(json)")
            #expect(json["model"] as? String == model)
            let results = json["results"] as? [[String: Any]] ?? []
            let expected = expected(fixture, query)
            #expect(results.map { $0["word"] as? String ?? "" } == expected.map(\.0), "\(query)")
            #expect(zip(results, expected).allSatisfy { abs((number($0["score"]) ?? .nan) - $1.1) <= 1e-5 }, "\(query)")
        }
    }

    @Test func topKDefaultsToTenAndTheQueryWordsAreLeftOut() {
        let (status, json) = post("/similar", #"{"positive": ["king"]}"#)
        #expect(status == 200)
        let words = (json["results"] as? [[String: Any]] ?? []).compactMap { $0["word"] as? String }
        #expect(words.count == 10 && !words.contains("king"))
    }

    @Test func wordVectorsAreTheStoredOnesInOrderWithNullForUnknownWords() throws {
        let (status, json) = post("/word-vectors", #"{"words": ["king", "zebra", "Paris"], "model": "words"}"#)
        #expect(status == 200, "\(json)")
        let vectors = json["vectors"] as? [Any] ?? []
        #expect(vectors.count == 3)
        #expect(vectors[1] is NSNull)
        let models = Self.reference["models"] as? [String: Any]
        let stored = ((models?["skipgram-bin"] as? [String: Any])?["vectors"] as? [String: [Double]]) ?? [:]
        for (index, word) in [(0, "king"), (2, "Paris")] {
            let got = (vectors[index] as? [Any] ?? []).compactMap(number)
            let want = stored[word] ?? []
            #expect(got.count == want.count && zip(got, want).allSatisfy { abs($0 - $1) <= 1e-6 }, "\(word)")
        }
    }

    @Test(arguments: [
        (#"{"positive": ["zebra", "king", "unicorn"]}"#, "not in the vocabulary: \"zebra\", \"unicorn\""),
        (#"{"negative": ["king"]}"#, "positive is required"),
        (#"{"positive": []}"#, "positive is an empty list"),
        (#"{"positive": ["king"], "top_k": 0}"#, "top_k must be in 1...1000"),
        (#"{"positive": ["king"], "top_k": 1001}"#, "top_k must be in 1...1000"),
        (#"{"positive": ["king"], "method": "cosine"}"#, "method must be"),
        (#"{"positive": ["king"], "topn": 3}"#, "unknown field"),
        (#"{"positive": ["king"], "model": "mlm"}"#, "serves fill-mask"),
        (#"{"positive": [3]}"#, "positive[0] must be a string"),
    ])
    func badQueriesAre422NamingWhatIsWrong(body: String, message: String) {
        let (status, json) = post("/similar", body)
        #expect(status == 422, "\(body): \(json)")
        #expect((json["error"] as? String ?? "").contains(message), "\(body): \(json)")
    }

    @Test func modelsListShowsVocabularyAndDimensions() throws {
        let response = ServedFixtures.send(ServedFixtures.shared, .get, "/v1/models/words", bytes: [])
        let json = try ServedFixtures.json(response)
        #expect(json["architecture"] as? String == "Word2Vec")
        #expect((json["vocab_size"] as? NSNumber)?.intValue == 27)
        #expect((json["dimensions"] as? NSNumber)?.intValue == 16)
        #expect((json["parameters"] as? NSNumber)?.intValue == 27 * 16)
        #expect((json["weights_sha256"] as? String)?.count == 64)
    }

    @Test func concurrentQueriesShareBatchesAndKeepTheirOwnAnswers() async {
        let words = ["king", "queen", "Tokyo", "castle", "dog", "river", "girl", "Paris"]
        await withTaskGroup(of: (String, [String]).self) { group in
            for round in 0..<4 {
                for word in words {
                    group.addTask {
                        let (_, json) = self.post("/similar", #"{"positive": ["\#(word)"], "top_k": \#(3 + round)}"#)
                        return (word, (json["results"] as? [[String: Any]] ?? []).compactMap { $0["word"] as? String })
                    }
                }
            }
            for await (word, answer) in group {
                let (_, alone) = post("/similar", #"{"positive": ["\#(word)"], "top_k": \#(answer.count)}"#)
                #expect(answer == (alone["results"] as? [[String: Any]] ?? []).compactMap { $0["word"] as? String })
                #expect(!answer.contains(word))
            }
        }
    }
}
