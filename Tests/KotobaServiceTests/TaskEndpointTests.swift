import Foundation
import KotobaHTTP
import KotobaTasks
import Testing
@testable import KotobaService

/// The task endpoints over the committed fixtures, checked against the transformers pipeline references
/// the KotobaTasks fixtures hold (scores within 1e-4, tokens and labels exactly).
@Suite struct TaskEndpointTests {
    let router = ServedFixtures.shared
    let tolerance = 1e-4

    private func post(_ path: String, _ body: Any) throws -> HTTPResponse {
        let data = try JSONSerialization.data(withJSONObject: body)
        return ServedFixtures.send(router, .post, path, bytes: Array(data))
    }

    private func results(_ response: HTTPResponse) throws -> [[String: Any]] {
        #expect(response.status == .ok, "\(String(decoding: response.body, as: UTF8.self))")
        return try #require(try ServedFixtures.json(response)["results"] as? [[String: Any]])
    }

    @Test func fillMaskMatchesThePipeline() throws {
        let cases = try #require((try ServedFixtures.reference()["fill_mask"] as? [String: Any])?["cases"] as? [[String: Any]])
        #expect(!cases.isEmpty)
        for reference in cases {
            let text = try #require(reference["text"] as? String)
            let topK = reference["top_k"] as? Int ?? 5
            var body: [String: Any] = ["text": text, "top_k": topK, "truncation": true]
            if let targets = reference["targets"] as? [String] { body["targets"] = targets }
            if let model = reference["model"] as? String { body["model"] = model }
            let response = try post("/fill-mask", body)
            let result = try #require(try results(response).first)
            let predictions = try #require(result["predictions"] as? [[[String: Any]]])
            // The pipeline gives a flat list for one mask and a list per mask for several.
            let expected: [[[String: Any]]]
            if let lists = reference["result"] as? [[[String: Any]]] { expected = lists } else {
                expected = [try #require(reference["result"] as? [[String: Any]])]
            }
            #expect(predictions.count == expected.count, "\(text)")
            for (got, want) in zip(predictions, expected) {
                #expect(got.map { $0["token"] as? Int } == want.map { $0["token"] as? Int }, "\(text)")
                #expect(got.map { $0["token_str"] as? String } == want.map { $0["token_str"] as? String }, "\(text)")
                #expect(got.map { $0["sequence"] as? String } == want.map { $0["sequence"] as? String }, "\(text)")
                for (g, w) in zip(got, want) {
                    #expect(abs((number(g["score"]) ?? .nan) - (number(w["score"]) ?? 0)) < tolerance, "\(text)")
                }
            }
            #expect(result["input_tokens"] as? Int ?? 0 > 0)
            #expect(result["truncated"] as? Bool != nil)
        }
    }

    @Test func classifyMatchesThePipelineAndSentimentIsAnAlias() throws {
        let cases = try #require((try ServedFixtures.reference()["text_classification"] as? [String: Any])?["cases"] as? [[String: Any]])
        var checked = 0
        for reference in cases where reference["model"] as? String == "bert-classifier" {
            let text = try #require(reference["text"] as? String)
            var body: [String: Any] = ["text": text, "truncation": true]
            if let topK = reference["top_k"] as? Int { body["top_k"] = topK }
            if let function = reference["function_to_apply"] as? String { body["function_to_apply"] = function }
            let expected: [[String: Any]]
            if let list = reference["result"] as? [[String: Any]] { expected = list } else {
                expected = [try #require(reference["result"] as? [String: Any])]
            }
            for path in ["/classify", "/sentiment"] {
                let result = try #require(try results(try post(path, body)).first)
                let predictions = try #require(result["predictions"] as? [[String: Any]])
                #expect(predictions.map { $0["label"] as? String } == expected.map { $0["label"] as? String }, "\(text)")
                for (g, w) in zip(predictions, expected) {
                    #expect(abs((number(g["score"]) ?? .nan) - (number(w["score"]) ?? 0)) < tolerance, "\(text)")
                }
            }
            checked += 1
        }
        #expect(checked > 0)
    }

    @Test func nextSentenceMatchesTheModelInClassificationShape() throws {
        let cases = try #require((try ServedFixtures.reference()["next_sentence"] as? [String: Any])?["cases"] as? [[String: Any]])
        let firsts = try cases.map { try #require($0["first"] as? String) }
        let seconds = try cases.map { try #require($0["second"] as? String) }
        let got = try results(try post("/next-sentence", ["text": firsts, "text_pair": seconds, "truncation": true]))
        #expect(got.count == cases.count)
        for (result, reference) in zip(got, cases) {
            let predictions = try #require(result["predictions"] as? [[String: Any]])
            let isNext = try #require(number(reference["is_next"]))
            let byLabel = Dictionary(uniqueKeysWithValues: predictions.map { ($0["label"] as? String ?? "", number($0["score"]) ?? .nan) })
            #expect(Set(byLabel.keys) == ["is_next", "not_next"])
            #expect(abs((byLabel["is_next"] ?? .nan) - isNext) < tolerance)
            #expect(abs((byLabel["not_next"] ?? .nan) - (1 - isNext)) < tolerance)
            #expect((number(predictions[0]["score"]) ?? 0) >= (number(predictions[1]["score"]) ?? 0))
        }
    }

    @Test func embedMatchesSentenceTransformersAndReportsTokenCounts() throws {
        let reference = try #require(try ServedFixtures.reference()["sentence_embedding"] as? [String: Any])
        let texts = try #require(reference["texts"] as? [String])
        let counts = try #require(reference["token_counts"] as? [Int])
        let expected = try #require((reference["mean_normalized"] as? [String: Any])?["data"] as? [Double])
        let got = try results(try post("/embed", ["text": texts, "truncation": true]))
        #expect(got.map { $0["input_tokens"] as? Int } == counts)
        let width = expected.count / texts.count
        for (row, result) in got.enumerated() {
            let vector = try #require(result["embedding"] as? [Any]).map { number($0) ?? .nan }
            #expect(vector.count == width)
            let worst = zip(vector, expected[(row * width)..<((row + 1) * width)]).map { abs($0 - $1) }.max() ?? .nan
            #expect(worst < tolerance, "row \(row): worst difference \(worst)")
        }
    }

    @Test func longInputsAreRefusedUnlessTruncationIsAllowedAndThenReported() throws {
        let long = Array(repeating: "the dog runs in the house.", count: 20).joined(separator: " ") + " [MASK]"
        let refused = try post("/classify", ["text": long])
        #expect(refused.status == .unprocessableContent)
        #expect(try ServedFixtures.json(refused)["error_type"] as? String == "input_too_long")
        let cut = try #require(try results(try post("/classify", ["text": long, "truncation": true])).first)
        #expect(cut["truncated"] as? Bool == true)
        #expect(cut["input_tokens"] as? Int == 40)
        let short = try #require(try results(try post("/classify", ["text": "a dog"])).first)
        #expect(short["truncated"] as? Bool == false)
        #expect(short["input_tokens"] as? Int == 4)
        // Fill-mask whose only mask is cut away: the task refuses it after truncation, still a 422.
        let lost = try post("/fill-mask", ["text": long, "truncation": true])
        #expect(lost.status == .unprocessableContent, "\(String(decoding: lost.body, as: UTF8.self))")
    }

    @Test func leftTruncationIsServedOnEveryTaskAndCutsTheOtherEnd() throws {
        let filler = Array(repeating: "the dog runs in the house.", count: 20).joined(separator: " ")
        let long = filler + " a [MASK]"
        let left = try #require(try results(try post("/classify", ["text": long, "truncation": true,
                                                                   "truncation_side": "left"])).first)
        let right = try #require(try results(try post("/classify", ["text": long, "truncation": true])).first)
        #expect(left["truncated"] as? Bool == true)
        #expect(left["input_tokens"] as? Int == 40)
        let scores = { (result: [String: Any]) in
            (result["predictions"] as? [[String: Any]] ?? []).map { number($0["score"]) ?? .nan }
        }
        #expect(scores(left) != scores(right))
        // The trailing mask survives a left cut; a right cut loses it.
        let mask = try #require(try results(try post("/fill-mask", ["text": long, "truncation": true,
                                                                    "truncation_side": "left"])).first)
        #expect(mask["truncated"] as? Bool == true)
        #expect(try post("/fill-mask", ["text": long, "truncation": true]).status == .unprocessableContent)
        let embedded = try #require(try results(try post("/embed", ["text": long, "truncation": true,
                                                                    "truncation_side": "left"])).first)
        #expect(embedded["truncated"] as? Bool == true)
        let pair = try #require(try results(try post("/next-sentence", ["text": filler, "text_pair": filler,
                                                                         "truncation": true,
                                                                         "truncation_side": "left"])).first)
        #expect(pair["truncated"] as? Bool == true)
        let source = Array(repeating: "Tom is here.", count: 40).joined(separator: " ")
        let translated = try #require(try results(try post("/translate", ["text": source, "max_new_tokens": 4,
                                                                          "truncation": true,
                                                                          "truncation_side": "left"])).first)
        #expect(translated["truncated"] as? Bool == true)
        // The Hugging Face feature-extraction shape takes Text Embeddings Inference's spelling.
        let hf = ServedFixtures.send(router, .post, "/models/embedder", body:
            #"{"inputs": "\#(long)", "truncate": true, "truncation_direction": "Left"}"#)
        #expect(hf.status == .ok, "\(String(decoding: hf.body, as: UTF8.self))")
    }

    @Test func tokenizeGivesIdsTokensAndCharacterOffsets() throws {
        let result = try #require(try results(try post("/tokenize", ["text": "Paris is big", "model": "mlm"])).first)
        #expect(result["tokens"] as? [String] == ["[CLS]", "paris", "is", "big", "[SEP]"])
        #expect(result["ids"] as? [Int] == [2, 45, 18, 30, 3])
        #expect(result["offsets"] as? [[Int]] == [[0, 0], [0, 5], [6, 8], [9, 12], [0, 0]])
        #expect(result["input_tokens"] as? Int == 5)
        #expect(result["truncated"] as? Bool == false)
    }

    @Test func modelsListTheirMetadata() throws {
        let one = ServedFixtures.send(router, .get, "/v1/models/mlm", body: "")
        #expect(one.status == .ok)
        let body = try ServedFixtures.json(one)
        #expect(body["architecture"] as? String == "BertForMaskedLM")
        #expect(body["task"] as? String == "fill-mask")
        #expect(body["max_input_tokens"] as? Int == 40)
        #expect(body["weights_sha256"] as? String == "b1d9747b08cd9321f7ee70c94ed1180798ca3d851e613feab97b7c50d2bed2f4")
        #expect((body["parameters"] as? Int ?? 0) > 10_000)
        let classifier = try ServedFixtures.json(ServedFixtures.send(router, .get, "/v1/models/sentiment", body: ""))
        #expect(classifier["labels"] as? [String] == ["negative", "neutral", "positive"])
        let nsp = try ServedFixtures.json(ServedFixtures.send(router, .get, "/v1/models/nsp", body: ""))
        #expect(nsp["labels"] as? [String] == ["is_next", "not_next"])
        let list = try ServedFixtures.json(ServedFixtures.send(router, .get, "/v1/models", body: ""))
        #expect((list["data"] as? [[String: Any]])?.map { $0["id"] as? String } == ["mlm", "distilbert-mlm", "sentiment", "nsp", "embedder", "marian", "rnn", "words", "words-cbow"])
    }

    @Test func translateMatchesTransformersGenerate() throws {
        let url = ServedFixtures.translationDirectory.appendingPathComponent("reference.json")
        let reference = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let cases = try #require(reference["cases"] as? [[String: Any]])
        let texts = try cases.map { try #require($0["text"] as? String) }
        let greedy = try results(try post("/translate", ["text": texts, "beam_size": 1, "max_new_tokens": 12]))
        let beam = try results(try post("/translate", ["text": texts, "beam_size": 3, "num_return_sequences": 2,
                                                        "max_new_tokens": 12, "return_scores": true]))
        for (index, example) in cases.enumerated() {
            let wantGreedy = try #require((example["greedy"] as? [String: Any])?["text"] as? String)
            let gotGreedy = try #require(greedy[index]["translations"] as? [[String: Any]])
            #expect(gotGreedy.map { $0["translation_text"] as? String } == [wantGreedy])
            #expect(gotGreedy.allSatisfy { $0["score"] == nil }, "scores only when asked for")
            let wantBeam = try #require(example["beam3_n2"] as? [[String: Any]])
            let gotBeam = try #require(beam[index]["translations"] as? [[String: Any]])
            #expect(gotBeam.map { $0["translation_text"] as? String } == wantBeam.map { $0["text"] as? String })
            for (got, want) in zip(gotBeam, wantBeam) {
                #expect(abs((number(got["score"]) ?? .nan) - (number(want["score"]) ?? 0)) < tolerance)
            }
            #expect(beam[index]["input_tokens"] as? Int == (example["source_ids"] as? [Any])?.count)
        }
    }

    /// The generation controls reach the model from the request body (their parity with `generate` is
    /// TranslationTaskTests'): the fixture's beam output with the n-gram ban and length penalty set.
    @Test func translateTakesGenerationControls() throws {
        let url = ServedFixtures.translationDirectory.appendingPathComponent("reference_controls.json")
        let reference = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let example = try #require((reference["cases"] as? [[String: Any]])?.first)
        let want = try #require(example["beam3_ngram2_lp05_n2"] as? [[String: Any]])
        let result = try #require(try results(try post("/translate", [
            "text": example["text"] as? String ?? "", "beam_size": 3, "num_return_sequences": 2, "max_new_tokens": 12,
            "no_repeat_ngram_size": 2, "length_penalty": 0.5, "return_scores": true])).first)
        let got = try #require(result["translations"] as? [[String: Any]])
        #expect(got.map { $0["translation_text"] as? String } == want.map { $0["text"] as? String })
        for (translation, output) in zip(got, want) {
            #expect(abs((number(translation["score"]) ?? .nan) - (number(output["score"]) ?? 0)) < tolerance)
        }
    }

    /// Sampling reaches the model from `/translate` and from the Hugging Face route's `generate_parameters`: a
    /// seed gives the same samples twice, with as many as `num_return_sequences` asks for.
    @Test func translateSamplesReproduciblyWithASeed() throws {
        let body = #"{"text": ["Tom is here.", "I like dogs."], "do_sample": true, "seed": 11, "temperature": 1.3, "num_return_sequences": 3, "max_new_tokens": 10}"#
        let first = ServedFixtures.send(router, .post, "/translate", body: body)
        let second = ServedFixtures.send(router, .post, "/translate", body: body)
        #expect(first.status == .ok, "\(String(decoding: first.body, as: UTF8.self))")
        #expect(first.body == second.body)
        let results = try results(first)
        #expect(results.map { ($0["translations"] as? [Any])?.count } == [3, 3])
        let hf = #"{"inputs": "Tom is here.", "parameters": {"generate_parameters": {"do_sample": true, "seed": 11, "num_return_sequences": 2}}}"#
        let once = ServedFixtures.send(router, .post, "/models/marian", body: hf)
        #expect(once.status == .ok, "\(String(decoding: once.body, as: UTF8.self))")
        #expect(once.body == ServedFixtures.send(router, .post, "/models/marian", body: hf).body)
        // Without a seed each request draws its own: ten samples of one text at a high temperature are not all
        // alike.
        let unseeded = #"{"text": "Tom is here.", "do_sample": true, "temperature": 3, "top_k": 0, "max_new_tokens": 8}"#
        let bodies = Set((0..<10).map { _ in ServedFixtures.send(router, .post, "/translate", body: unseeded).body })
        #expect(bodies.count > 1)
    }

    @Test func recurrentTranslationReturnsAlignmentsOfTheReferenceSearch() throws {
        let url = ServedFixtures.translationDirectory.deletingLastPathComponent().appendingPathComponent("translation-rnn/reference.json")
        let reference = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let example = try #require((reference["cases"] as? [[String: Any]])?.first)
        let want = try #require((example["beam3_n2"] as? [[String: Any]])?.first)
        let result = try #require(try results(try post("/translate", [
            "text": example["text"] as? String ?? "", "model": "rnn", "beam_size": 3, "max_new_tokens": 12,
            "return_alignments": true, "return_scores": true])).first)
        let got = try #require((result["translations"] as? [[String: Any]])?.first)
        #expect(got["translation_text"] as? String == want["text"] as? String)
        let alignment = try #require(got["alignment"] as? [[Any]]).map { $0.map { number($0) ?? .nan } }
        let wanted = try #require(want["alignment"] as? [[Any]]).map { $0.map { number($0) ?? .nan } }
        #expect(alignment.count == wanted.count)
        #expect(zip(alignment, wanted).allSatisfy { zip($0, $1).allSatisfy { abs($0 - $1) < tolerance } })
        let info = try ServedFixtures.json(ServedFixtures.send(router, .get, "/v1/models/rnn", body: ""))
        #expect(info["architecture"] as? String == "kotoba-seq2seq")
    }

    @Test func translationStopsDecodingOnceNobodyWaits() throws {
        let model = try #require(ServedFixtures.catalog.model(named: "marian") as? TranslationModel)
        let polls = Locked(0)
        // Nobody waits from the third poll on: the search must stop rather than finish.
        let options = TranslationOptions(beamSize: 3, maxNewTokens: 40)
        let input = try model.model.prepare("Tom is here.", options: options)
        let results = model.runBatch([.init(input: input, options: options)]) { _ in
            polls.withLock { $0 += 1; return $0 > 2 }
        }
        guard case let .failure(error)? = results.first else {
            Issue.record("expected the search to stop, got \(results)")
            return
        }
        #expect(error as? TaskError == .cancelled)
    }
}
