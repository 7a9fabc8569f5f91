import Foundation
import KotobaHTTP
import Logging
import Testing
@testable import KotobaService

/// The default configuration and the models committed in Models/: every model it lists loads, passes its
/// `kotoba-golden.json` self-check (PyTorch's outputs, written by training/make_kotoba_golden.py), and answers
/// the everyday requests the README shows.
@Suite struct ShippedModelsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `Config/kotoba.json` with model paths resolved against the repository root, loaded once.
    static let catalog: ModelCatalog? = {
        guard var configuration = try? ConfigurationLoader.load(
            file: root.appendingPathComponent("Config/kotoba.json").path, environment: [:]) else { return nil }
        for index in configuration.models.indices {
            configuration.models[index].path = root.appendingPathComponent(configuration.models[index].path).path
        }
        let catalog = ModelCatalog(models: configuration.models, loaders: ServeRunner.builtInLoaders,
                                   logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        catalog.loadAllAndWait()
        return catalog
    }()

    static let router: Router? = catalog.map { catalog in
        var configuration = ServiceConfiguration()
        configuration.inferenceWorkers = 2
        let context = RouteContext(
            catalog: catalog,
            metrics: ServiceMetrics(inFlightRequests: { 0 }, openConnections: { 0 }, modelStates: { [] }),
            phase: { .serving }, configuration: configuration)
        return Router.service(context)
    }

    private func post(_ path: String, _ body: String) throws -> [String: Any] {
        let router = try #require(Self.router, "Config/kotoba.json did not load")
        let response = ServedFixtures.send(router, .post, path, body: body)
        #expect(response.status == .ok, "\(path) \(body): \(String(decoding: response.body, as: UTF8.self))")
        return try ServedFixtures.json(response)
    }

    @Test func everyConfiguredModelLoadsAndPassesItsSelfCheck() throws {
        let catalog = try #require(Self.catalog, "Config/kotoba.json did not load")
        #expect(!catalog.entries.isEmpty)
        for entry in catalog.entries {
            #expect(entry.state.isReady, "\(entry.spec.name): \(entry.state)")
            #expect(FileManager.default.fileExists(
                atPath: URL(fileURLWithPath: entry.spec.path).appendingPathComponent(GoldenCheck.fileName).path),
                "\(entry.spec.name) ships no self-check")
        }
    }

    /// Every shipped model also loads with int8 weights, passing the `int8` section of its self-check
    /// (training/add_int8_golden.py), and the int8 copy agrees with the float one on the everyday requests.
    @Test func everyModelLoadsAsInt8AndAgreesOnClearCases() throws {
        let catalog = try #require(Self.catalog, "Config/kotoba.json did not load")
        let specs = catalog.entries.map(\.spec).filter { $0.task != "word-vectors" }.map { spec in
            ModelSpec(name: spec.name + "-int8", task: spec.task, path: spec.path, quantization: .int8)
        }
        #expect(!specs.isEmpty)
        let int8 = ModelCatalog(models: specs, loaders: ServeRunner.builtInLoaders,
                                logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        int8.loadAllAndWait()
        for entry in int8.entries {
            #expect(entry.state.isReady, "\(entry.spec.name): \(entry.state)")
            if case let .ready(model) = entry.state { #expect(model.metadata.quantization == .int8) }
        }
        var configuration = ServiceConfiguration()
        configuration.inferenceWorkers = 1
        let router = Router.service(RouteContext(
            catalog: int8,
            metrics: ServiceMetrics(inFlightRequests: { 0 }, openConnections: { 0 }, modelStates: { [] }),
            phase: { .serving }, configuration: configuration))
        let classify = ServedFixtures.send(router, .post, "/classify",
            body: #"{"model": "sentiment-en-int8", "text": ["I love this movie.", "This was a terrible waste of time."]}"#)
        let results = try #require(try ServedFixtures.json(classify)["results"] as? [[String: Any]])
        #expect(results.map { (($0["predictions"] as? [[String: Any]])?.first?["label"] as? String) } == ["POSITIVE", "NEGATIVE"])
        let translate = ServedFixtures.send(router, .post, "/translate",
            body: #"{"model": "translate-ja-en-int8", "text": "犬はかわいい。"}"#)
        let translations = try #require(try ServedFixtures.json(translate)["results"] as? [[String: Any]])
        let text = (translations.first?["translations"] as? [[String: Any]])?.first?["translation_text"] as? String
        #expect(text == "The dog is cute.")
    }

    /// Word vectors have no linear layers: asking to quantize them fails the load with a message that says so.
    @Test func wordVectorsRefuseQuantization() throws {
        let path = Self.root.appendingPathComponent("Models/word2vec-en").path
        let catalog = ModelCatalog(models: [ModelSpec(name: "w", task: "word-vectors", path: path, quantization: .int8)],
                                   loaders: ServeRunner.builtInLoaders,
                                   logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        catalog.loadAllAndWait()
        guard case let .failed(message) = catalog.entries[0].state else {
            Issue.record("word vectors loaded with int8: \(catalog.entries[0].state)")
            return
        }
        #expect(message.contains("no linear layers to quantize"), "\(message)")
    }

    @Test func sentimentSeparatesClearlyPositiveFromClearlyNegative() throws {
        let json = try post("/classify", #"{"text": ["I love this movie.", "This was a terrible waste of time."]}"#)
        let results = try #require(json["results"] as? [[String: Any]])
        let top = results.map { (($0["predictions"] as? [[String: Any]])?.first?["label"] as? String) }
        #expect(top == ["POSITIVE", "NEGATIVE"])
    }

    @Test func dogsAreCuteSpeaksOfDogs() throws {
        for beams in [1, 4] {
            let json = try post("/translate", #"{"text": "Dogs are cute.", "beam_size": \#(beams)}"#)
            let ja = try #require(((json["results"] as? [[String: Any]])?.first?["translations"] as? [[String: Any]])?
                .first?["translation_text"] as? String)
            #expect(ja.contains("犬"), "beam \(beams): \(ja)")
        }
    }

    /// Everyday sentences whose expected word the shipped MLM ranks in its top 5 (the card lists all ten
    /// sentences training/export_bert.py checks and which of them it gets).
    @Test(arguments: [
        ("Paris is the capital of [MASK].", "france"),
        ("She sat down and read a [MASK].", "book"),
        ("There are seven days in a [MASK].", "week"),
        ("She wrote a [MASK] to her mother.", "letter"),
    ])
    func fillMaskPutsTheEverydayWordInItsTopFive(_ text: String, _ word: String) throws {
        let json = try post("/fill-mask", #"{"text": "\#(text)", "top_k": 5}"#)
        let predictions = try #require(((json["results"] as? [[String: Any]])?.first?["predictions"] as? [[[String: Any]]])?.first)
        let words = predictions.compactMap { $0["token_str"] as? String }
        #expect(words.contains(word), "\(text): \(words)")
    }

    @Test func nextSentencePrefersTheSentenceThatFollows() throws {
        let json = try post("/next-sentence", #"{"text": ["He went to the store to buy some milk.", "He went to the store to buy some milk."], "text_pair": ["The store was closed, so he came home without it.", "Penguins are flightless birds of the southern hemisphere."]}"#)
        let results = try #require(json["results"] as? [[String: Any]])
        let isNext = results.map { result in
            ((result["predictions"] as? [[String: Any]]) ?? []).first { $0["label"] as? String == "is_next" }
                .flatMap { number($0["score"]) } ?? .nan
        }
        #expect(isNext.count == 2 && isNext[0] > 0.5 && isNext[1] < 0.5, "\(isNext)")
    }

    @Test func translationAnswersInTheOtherLanguage() throws {
        let english = try post("/translate", #"{"text": "Where is the station?", "beam_size": 4}"#)
        let ja = try #require(((english["results"] as? [[String: Any]])?.first?["translations"] as? [[String: Any]])?
            .first?["translation_text"] as? String)
        #expect(ja.contains("駅"), "\(ja)")
        let japanese = try post("/translate", #"{"text": "駅はどこですか。", "model": "translate-ja-en"}"#)
        let en = try #require(((japanese["results"] as? [[String: Any]])?.first?["translations"] as? [[String: Any]])?
            .first?["translation_text"] as? String)
        #expect(en.lowercased().contains("station"), "\(en)")
    }

    /// The sentences the first undertrained models looped on ("I like reading reading reading.") translate, with
    /// the default decoding, without any word repeated next to itself.
    @Test func goldenJapaneseSentencesTranslateWithoutAdjacentRepeats() throws {
        let sources = ["私は本を読むのが好きです。", "今日は天気がいいです。", "犬はかわいい。", "駅はどこですか。"]
        let body = try JSONSerialization.data(withJSONObject: ["text": sources, "model": "translate-ja-en"])
        let json = try post("/translate", String(decoding: body, as: UTF8.self))
        let results = try #require(json["results"] as? [[String: Any]])
        #expect(results.count == sources.count)
        for (source, result) in zip(sources, results) {
            let text = try #require((result["translations"] as? [[String: Any]])?.first?["translation_text"] as? String)
            let words = text.lowercased().split(whereSeparator: { !$0.isLetter && $0 != "'" }).map(String.init)
            #expect(!words.isEmpty, "\(source) → \"\(text)\"")
            let repeats = zip(words, words.dropFirst()).filter { $0 == $1 }.map(\.0)
            #expect(repeats.isEmpty, "\(source) → \"\(text)\" repeats \(repeats)")
        }
    }
}

/// The README's examples against the default models (`$ curl -s 127.0.0.1:8080/PATH -d 'BODY'` and the line
/// after it) answer as shown, numbers within 1e-4.
@Suite struct ShippedReadmeExampleTests {
    @Test func readmeExamplesOfTheDefaultModelsAnswerAsShown() throws {
        let router = try #require(ShippedModelsTests.router, "Config/kotoba.json did not load")
        let readme = try String(contentsOf: ShippedModelsTests.root.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.components(separatedBy: "\n")
        let pattern = try NSRegularExpression(pattern: #"^\$ curl -s 127\.0\.0\.1:8080(/[^ ]+) -d '(.*)'$"#)
        var checked = 0
        for (index, line) in lines.enumerated() where index + 1 < lines.count {
            let range = NSRange(line.startIndex..., in: line)
            guard let match = pattern.firstMatch(in: line, range: range),
                  let path = Range(match.range(at: 1), in: line), let body = Range(match.range(at: 2), in: line)
            else { continue }
            let response = ServedFixtures.send(router, .post, String(line[path]), body: String(line[body]))
            let got = try JSONSerialization.jsonObject(with: Data(response.body))
            let want = try JSONSerialization.jsonObject(with: Data(lines[index + 1].utf8))
            #expect(GoldenCheck.difference(got, want, tolerance: 1e-4, at: line) == nil,
                    "\(String(decoding: response.body, as: UTF8.self))")
            checked += 1
        }
        #expect(checked >= 6)
    }
}
