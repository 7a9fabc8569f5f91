import Foundation
import KotobaHTTP
import Testing
@testable import KotobaService

/// docs/openapi.json against the service: the same document is served, it lists exactly the routes the
/// router has, and real responses (successes and the validation table's errors) have a documented status
/// and a body that validates against the documented schema.
@Suite struct OpenAPITests {
    static var document: [String: Any] {
        let url = KotobaProcess.repositoryRoot.appendingPathComponent("docs/openapi.json")
        let data = (try? Data(contentsOf: url)) ?? Data()
        return ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any]) ?? [:]
    }

    var paths: [String: [String: Any]] { (Self.document["paths"] as? [String: [String: Any]]) ?? [:] }

    @Test func theServedDocumentIsTheCommittedOne() throws {
        #expect(Self.document["openapi"] as? String == "3.1.0")
        let response = ServedFixtures.send(ServedFixtures.shared, .get, "/openapi.json", body: "")
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "application/json")
        let served = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? NSDictionary)
        #expect(served.isEqual(to: Self.document), "run scripts/embed-openapi.sh after editing docs/openapi.json")
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() {
        let (_, context) = ServedFixtures.router()
        let registered = Set(RouteTable.service(context).routes.map { "\($0.method.rawValue) \($0.pattern)" })
        let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
        #expect(registered == documented, "only in the router: \(registered.subtracting(documented)); only in the document: \(documented.subtracting(registered))")
    }

    @Test func everyReferenceResolves() throws {
        let text = try String(contentsOf: KotobaProcess.repositoryRoot.appendingPathComponent("docs/openapi.json"),
                              encoding: .utf8)
        let schemas = try #require((Self.document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let pattern = try NSRegularExpression(pattern: #"#/components/schemas/([A-Za-z]+)"#)
        let names = pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
        #expect(!names.isEmpty)
        for name in Set(names) { #expect(schemas[name] != nil, "\(name) is referenced but not defined") }
    }

    @Test func theSchemaCheckCatchesWhatItShould() {
        let check = SchemaCheck(document: Self.document)
        let label = ["$ref": "#/components/schemas/LabelScore"]
        #expect(check.problems(["label": "a", "score": 0.5], label, at: "$").isEmpty)
        #expect(!check.problems(["label": "a"], label, at: "$").isEmpty)
        #expect(!check.problems(["label": 3, "score": 0.5], label, at: "$").isEmpty)
        #expect(!check.problems(["error": "x", "error_type": "nonsense", "request_id": "r"],
                                ["$ref": "#/components/schemas/Error"], at: "$").isEmpty)
        #expect(!check.problems(["text": "a", "topk": 1], ["$ref": "#/components/schemas/ClassifyRequest"], at: "$").isEmpty)
        #expect(!check.problems(["status": true], ["$ref": "#/components/schemas/Liveness"], at: "$").isEmpty)
    }

    struct Exchange: Sendable, CustomTestStringConvertible {
        var method: HTTPMethod
        var path: String
        var pattern: String
        var body: String
        var testDescription: String { "\(method) \(path) \(body.prefix(60))" }
    }

    static let exchanges: [Exchange] = [
        .init(method: .get, path: "/livez", pattern: "/livez", body: ""),
        .init(method: .get, path: "/readyz", pattern: "/readyz", body: ""),
        .init(method: .get, path: "/v1/models", pattern: "/v1/models", body: ""),
        .init(method: .get, path: "/v1/models/mlm", pattern: "/v1/models/{name}", body: ""),
        .init(method: .get, path: "/v1/models/nope", pattern: "/v1/models/{name}", body: ""),
        .init(method: .post, path: "/fill-mask", pattern: "/fill-mask", body: #"{"text": ["a [MASK] dog", "the [MASK] sat on the [MASK]."]}"#),
        .init(method: .post, path: "/classify", pattern: "/classify", body: #"{"text": "a dog", "top_k": 2}"#),
        .init(method: .post, path: "/sentiment", pattern: "/sentiment", body: #"{"text": ["a dog"]}"#),
        .init(method: .post, path: "/next-sentence", pattern: "/next-sentence", body: #"{"text": "a dog", "text_pair": "it runs."}"#),
        .init(method: .post, path: "/embed", pattern: "/embed", body: #"{"text": "a dog"}"#),
        .init(method: .post, path: "/translate", pattern: "/translate", body: #"{"text": "Tom is here.", "return_scores": true}"#),
        .init(method: .post, path: "/tokenize", pattern: "/tokenize", body: #"{"text": "a dog", "model": "mlm"}"#),
        .init(method: .post, path: "/models/mlm", pattern: "/models/{name}", body: #"{"inputs": "a [MASK] dog"}"#),
        .init(method: .post, path: "/models/marian", pattern: "/models/{name}", body: #"{"inputs": "Tom"}"#),
        .init(method: .post, path: "/models/nope", pattern: "/models/{name}", body: #"{"inputs": "Tom"}"#),
    ] + ValidationTests.table.filter { $0.method == .post && $0.status != 404 || $0.path == "/tokenize" }.map {
        .init(method: $0.method, path: $0.path, pattern: $0.path, body: String(decoding: $0.body, as: UTF8.self))
    }

    @Test(arguments: exchanges)
    func responsesMatchTheDocument(_ exchange: Exchange) throws {
        let response = ServedFixtures.send(ServedFixtures.shared, exchange.method, exchange.path, body: exchange.body)
        let operation = try #require(paths[exchange.pattern]?[exchange.method.rawValue.lowercased()] as? [String: Any])
        let responses = try #require(operation["responses"] as? [String: Any])
        let documented = try #require(responses[String(response.status.code)] as? [String: Any],
                                      "\(response.status.code) is not documented for \(exchange.method) \(exchange.pattern)")
        guard let schema = ((documented["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"] else {
            return
        }
        let body = try JSONSerialization.jsonObject(with: Data(response.body), options: .fragmentsAllowed)
        let problems = SchemaCheck(document: Self.document).problems(body, schema, at: "$")
        #expect(problems.isEmpty, "\(problems)")
    }
}

/// The part of JSON Schema the document uses: `$ref`, `type`, `enum`, `required`, `properties`,
/// `additionalProperties: false`, `items`, `oneOf`, `minimum`/`maximum`, `minItems`, `pattern`.
struct SchemaCheck {
    let document: [String: Any]

    func problems(_ value: Any, _ schemaValue: Any, at path: String) -> [String] {
        guard var schema = schemaValue as? [String: Any] else { return [] }
        if let ref = schema["$ref"] as? String {
            let name = ref.replacingOccurrences(of: "#/components/schemas/", with: "")
            schema = ((document["components"] as? [String: Any])?["schemas"] as? [String: Any])?[name] as? [String: Any] ?? [:]
        }
        if let options = schema["oneOf"] as? [Any] {
            let matching = options.filter { problems(value, $0, at: path).isEmpty }
            return matching.count == 1 ? [] : ["\(path): matches \(matching.count) of oneOf"]
        }
        var found: [String] = []
        if let type = schema["type"] as? String, !matches(value, type) { return ["\(path): not \(type): \(value)"] }
        if let choices = schema["enum"] as? [String], let text = value as? String, !choices.contains(text) {
            found.append("\(path): \(text) not in \(choices)")
        }
        if let number = (value as? NSNumber)?.doubleValue, !isBool(value) {
            if let minimum = (schema["minimum"] as? NSNumber)?.doubleValue, number < minimum { found.append("\(path): below minimum") }
            if let maximum = (schema["maximum"] as? NSNumber)?.doubleValue, number > maximum { found.append("\(path): above maximum") }
        }
        if let text = value as? String, let pattern = schema["pattern"] as? String,
           text.range(of: pattern, options: .regularExpression) == nil {
            found.append("\(path): \(text) does not match \(pattern)")
        }
        if let object = value as? [String: Any] {
            for key in schema["required"] as? [String] ?? [] where object[key] == nil { found.append("\(path): missing \(key)") }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for (key, item) in object {
                if let property = properties[key] {
                    found += problems(item, property, at: "\(path).\(key)")
                } else if schema["additionalProperties"] as? Bool == false {
                    found.append("\(path): undocumented field \(key)")
                }
            }
        }
        if let array = value as? [Any] {
            if let minimum = schema["minItems"] as? Int, array.count < minimum { found.append("\(path): fewer than \(minimum) items") }
            if let items = schema["items"] {
                for (index, item) in array.enumerated() { found += problems(item, items, at: "\(path)[\(index)]") }
            }
        }
        return found
    }

    private func matches(_ value: Any, _ type: String) -> Bool {
        switch type {
        case "object": value is [String: Any]
        case "array": value is [Any]
        case "string": value is String
        case "boolean": isBool(value)
        case "integer": (value as? NSNumber).map { !isBool(value) && $0.doubleValue.rounded() == $0.doubleValue } ?? false
        case "number": value is NSNumber && !isBool(value)
        default: true
        }
    }

    /// JSONSerialization gives booleans as Bool-typed numbers (`objCType` "c").
    private func isBool(_ value: Any) -> Bool {
        type(of: value) == Bool.self || (value as? NSNumber).map { String(cString: $0.objCType) == "c" } ?? false
    }
}
