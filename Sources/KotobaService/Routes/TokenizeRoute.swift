import KotobaHTTP
import KotobaTasks

/// A loaded model whose tokenizer `/tokenize` can show (a tokenizer.json or vocab.txt one, with offsets).
protocol Tokenizing: LoadedModel {
    var tokenization: TokenizationTask { get }
}

extension FillMaskModel: Tokenizing {}
extension ClassificationModel: Tokenizing {}
extension NextSentenceModel: Tokenizing {}
extension EmbeddingModel: Tokenizing {}

/// `POST /tokenize`: ids, tokens and character offsets as the named model's tokenizer gives them.
///
/// It runs on the preparation queue without a batch: tokenizing is cheap next to a forward pass, and a
/// client asking how a text splits should not wait behind inference.
enum TokenizeRoute {
    static func register(into router: inout RouteTable, _ context: RouteContext) {
        router.register(.post, "/tokenize") { request, _, _, reply in
            context.inference.preparation.async {
                do throws(APIError) {
                    reply(.json(.ok, body: try tokenize(request, context)))
                } catch {
                    reply(error.response(requestID: request.id))
                }
            }
        }
    }

    struct ResultBody: Encodable {
        var ids: [Int]
        var tokens: [String]
        var offsets: [[Int]]
        var inputTokens: Int
        var truncated: Bool

        enum CodingKeys: String, CodingKey {
            case ids, tokens, offsets, truncated
            case inputTokens = "input_tokens"
        }
    }

    static func tokenize(_ request: HTTPRequest, _ context: RouteContext) throws(APIError) -> [UInt8] {
        let fields = try RequestFields.parse(request.body)
        let common = try CommonRequest.read(fields, extra: ["text_pair"], maxInputs: context.inference.maxInputs)
        let pairs = try fields.texts("text_pair", maxCount: context.inference.maxInputs)
        if let pairs, pairs.texts.count != common.texts.count || pairs.isList != common.isList {
            throw .invalid("text and text_pair must both be strings or both lists of the same length")
        }
        let (name, model) = try resolve(common.model, context.catalog)
        var results: [ResultBody] = []
        for (index, text) in common.texts.enumerated() {
            let result: TokenizationResult
            do {
                result = try model.tokenization.run(text, pair: pairs?.texts[index], truncate: common.truncate,
                                                    side: common.side)
            } catch { throw APIError(error, input: index) }
            if result.ids.count > model.tokenization.maxLength {
                throw .inputTooLong(input: index, tokens: result.ids.count, limit: model.tokenization.maxLength)
            }
            results.append(ResultBody(ids: result.ids, tokens: result.tokens, offsets: result.offsets,
                                      inputTokens: result.ids.count, truncated: result.truncated))
        }
        return WireJSON.encode(ResultsBody(model: name, results: results))
    }

    /// The named model, or the only ready one.
    private static func resolve(_ name: String?, _ catalog: ModelCatalog) throws(APIError) -> (String, any Tokenizing) {
        let entries = catalog.entries
        if let name {
            guard let entry = entries.first(where: { $0.spec.name == name }) else {
                throw .modelNotFound("no model named \"\(name)\"")
            }
            guard case let .ready(loaded) = entry.state else {
                throw .modelUnavailable("model \"\(name)\" is \(entry.state.name)")
            }
            guard let model = loaded as? any Tokenizing else {
                throw .invalid("model \"\(name)\" has no tokenizer to show")
            }
            return (name, model)
        }
        let ready = entries.compactMap { entry -> (String, any Tokenizing)? in
            guard case let .ready(loaded) = entry.state, let model = loaded as? any Tokenizing else { return nil }
            return (entry.spec.name, model)
        }
        guard ready.count == 1 else {
            throw ready.isEmpty ? .modelNotFound("no model is loaded")
                                : .invalid("several models are loaded; name one in \"model\"")
        }
        return ready[0]
    }
}
