@testable import KotobaService
import KotobaJSON

/// Request-body decoding for every JSON endpoint. The first byte picks the endpoint, the rest is the body.
/// Rules: every body gets a verdict, and the right kind: bodies that are not JSON are 400 (malformed),
/// JSON the endpoint cannot use is 422 (invalid), and nothing else (no 500, no model error) comes out of
/// reading a body; a decoded list of inputs stays within the input limit.
enum RequestJSONTarget {
    static let maxInputs = 8

    /// Each endpoint's body reader, as its route registers it.
    static let endpoints: [(path: String, read: @Sendable (RequestFields) throws(APIError) -> Void)] = [
        ("/fill-mask", { fields throws(APIError) in try check(TaskRoutes.fillMask(maxInputs).parse(fields).request) }),
        ("/classify", { fields throws(APIError) in try check(TaskRoutes.classify(maxInputs).parse(fields).request) }),
        ("/next-sentence", { fields throws(APIError) in _ = try TaskRoutes.nextSentence(maxInputs).parse(fields) }),
        ("/embed", { fields throws(APIError) in try check(TaskRoutes.embed(maxInputs).parse(fields).request) }),
        ("/translate", { fields throws(APIError) in try check(TaskRoutes.translate(maxInputs).parse(fields).request) }),
        ("/similar", { fields throws(APIError) in _ = try TaskRoutes.similar.parse(fields) }),
        ("/word-vectors", { fields throws(APIError) in _ = try TaskRoutes.wordVectors(maxInputs).parse(fields) }),
        ("/tokenize", { fields throws(APIError) in
            _ = try CommonRequest.read(fields, extra: ["text_pair"], maxInputs: maxInputs)
            _ = try fields.texts("text_pair", maxCount: maxInputs)
        }),
        ("/models fill-mask", { fields throws(APIError) in
            try check(HuggingFaceRoute.fillMask(maxInputs).parse(fields).request)
        }),
        ("/models text-classification", { fields throws(APIError) in
            try check(HuggingFaceRoute.classification(maxInputs).parse(fields).request)
        }),
        ("/models next-sentence", { fields throws(APIError) in
            _ = try HuggingFaceRoute.nextSentence(maxInputs).parse(fields)
        }),
        ("/models feature-extraction", { fields throws(APIError) in
            try check(HuggingFaceRoute.featureExtraction(maxInputs).parse(fields).request)
        }),
        ("/models translation", { fields throws(APIError) in
            try check(HuggingFaceRoute.translation(maxInputs).parse(fields).request)
        }),
    ]

    /// A decoded request's inputs within the limit; reported as an internal error, which the target refuses.
    static func check(_ request: some TaskRequest) throws(APIError) {
        let count = request.common.texts.count
        if count > maxInputs { throw .internalError("\(count) inputs decoded past the limit of \(maxInputs)") }
    }

    static let target = FuzzTarget(
        name: "request-json",
        summary: "every endpoint's body decoding: 400 for non-JSON, 422 for unusable JSON, nothing else"
    ) { bytes throws(InvariantFailure) in
        guard let selector = bytes.first else { return }
        let endpoint = endpoints[Int(selector) % endpoints.count]
        let body = Array(bytes.dropFirst())
        let isUTF8 = String(validating: body, as: UTF8.self) != nil
        let isJSON = (try? JSONValue.parse(body)) != nil
        do throws(APIError) {
            try endpoint.read(RequestFields.parse(body))
        } catch {
            switch error {
            case .malformedJSON:
                try expect(isUTF8 && !isJSON, "\(endpoint.path): 400 for a body that is JSON or not UTF-8: \(error)")
            case .invalid:
                try expect(!isUTF8 || isJSON, "\(endpoint.path): 422 for text that is not JSON: \(error)")
            default:
                throw InvariantFailure(description: "\(endpoint.path): reading a body gave \(error)")
            }
        }
    }
}
