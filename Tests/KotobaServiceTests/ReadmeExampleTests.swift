import Foundation
import KotobaHTTP
import Logging
import Testing
@testable import KotobaService

/// The README's task examples (`$ curl -s localhost:8080/PATH -d 'BODY'` followed by its output) sent
/// through the router with the fixture models (and the shipped word vectors) under the README's names: each output must be what the README
/// shows, numbers within a tolerance (request ids are not compared).
@Suite struct ReadmeExampleTests {
    struct Example: CustomTestStringConvertible {
        var path: String
        var body: String
        var output: String
        var testDescription: String { "\(path) \(body)" }
    }

    static func examples() throws -> [Example] {
        let readme = try String(contentsOf: KotobaProcess.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.components(separatedBy: "\n")
        let pattern = try NSRegularExpression(pattern: #"^\$ curl -s localhost:8080(/[^ ]+) -d '(.*)'"#)
        var examples: [Example] = []
        for (index, line) in lines.enumerated() where index + 1 < lines.count {
            let range = NSRange(line.startIndex..., in: line)
            guard let match = pattern.firstMatch(in: line, range: range),
                  let path = Range(match.range(at: 1), in: line), let body = Range(match.range(at: 2), in: line) else { continue }
            examples.append(Example(path: String(line[path]), body: String(line[body]), output: lines[index + 1]))
        }
        return examples
    }

    static let router: Router = {
        let fixtures = ServedFixtures.bertDirectory
        let specs = [
            ModelSpec(name: "bert-mlm", task: "fill-mask", path: fixtures.appendingPathComponent("bert-mlm").path, isDefault: true),
            ModelSpec(name: "sentiment", task: "text-classification", path: fixtures.appendingPathComponent("bert-classifier").path, isDefault: true),
            ModelSpec(name: "bert-nsp", task: "next-sentence", path: fixtures.appendingPathComponent("bert-nsp").path, isDefault: true),
            ModelSpec(name: "embedder", task: "feature-extraction", path: fixtures.appendingPathComponent("bert-model").path, isDefault: true),
            ModelSpec(name: "opus-tiny", task: "translation", path: ServedFixtures.translationDirectory.path, isDefault: true),
            // The shipped vectors themselves (20 MB load in a second): the README shows their king − man + woman.
            ModelSpec(name: "word2vec-en", task: "word-vectors",
                      path: KotobaProcess.repositoryRoot.appendingPathComponent("Models/word2vec-en").path, isDefault: true),
        ]
        let catalog = ModelCatalog(models: specs, loaders: ServeRunner.builtInLoaders,
                                   logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        catalog.loadAllAndWait()
        return Router.service(RouteContext(catalog: catalog,
                                           metrics: ServiceMetrics(inFlightRequests: { 0 }, openConnections: { 0 }, modelStates: { [] }),
                                           phase: { .serving }))
    }()

    @Test func theReadmeHasTaskExamples() throws {
        #expect(try Self.examples().count >= 10)
    }

    /// Compared as JSON: strings, ids and booleans exactly, fractional numbers within 1e-5 absolute (scores
    /// and probabilities of at most a few units; across kernel paths and OpenBLAS cores they move by about
    /// 1e-7), an array ending in "…" by its first items. The README stays a copy of a real run without pinning
    /// the last digit of one CPU's arithmetic.
    @Test(arguments: try examples())
    func exampleAnswersAsTheReadmeShows(_ example: Example) throws {
        let response = ServedFixtures.send(Self.router, .post, example.path, body: example.body)
        let got = try JSONSerialization.jsonObject(with: Data(response.body))
        // Request ids are generated per request; elided arrays become a trailing "…" element.
        let text = example.output
            .replacingOccurrences(of: #""request_id":"[0-9a-f]+""#, with: #""request_id":"…""#, options: .regularExpression)
            .replacingOccurrences(of: ",…]", with: #","…"]"#)
        var want = try JSONSerialization.jsonObject(with: Data(text.utf8))
        if var object = want as? [String: Any], object["request_id"] as? String == "…",
           let id = (got as? [String: Any])?["request_id"] {
            object["request_id"] = id
            want = object
        }
        #expect(GoldenCheck.difference(got, want, tolerance: 1e-5, at: example.path, elision: "…") == nil,
                "\(String(decoding: response.body, as: UTF8.self))")
    }
}
