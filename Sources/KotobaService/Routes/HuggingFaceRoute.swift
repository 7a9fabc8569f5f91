import KotobaHTTP
import KotobaTasks
import KotobaJSON

/// `POST /models/{name}`: the Hugging Face Inference API for the named model's task, so
/// `InferenceClient(model="http://host:port/models/NAME")` works against Kotoba unchanged.
///
/// | task | `parameters` | answer |
/// | --- | --- | --- |
/// | fill-mask | `top_k`, `targets`, `truncation` | `[{score, token, token_str, sequence}]` (a list per mask when several) |
/// | text-classification | `top_k`, `function_to_apply`, `truncation` | `[[{label, score}]]`, one list per input |
/// | next-sentence | `truncation`; `inputs` `{text, text_pair}` | as text-classification |
/// | feature-extraction | top level: `truncate`, `truncation_direction`, `normalize` | `[float]` (`[[float]]` for a list) |
/// | translation | `generate_parameters` (`num_beams`, `max_new_tokens`, `num_return_sequences`, `no_repeat_ngram_size`, `length_penalty`, `repetition_penalty`), `truncation`, `clean_up_tokenization_spaces` | `[{translation_text}]` |
enum HuggingFaceRoute {
    static func register(into router: inout RouteTable, _ context: RouteContext) {
        router.register(.post, "/models/{name}") { request, requestContext, parameters, reply in
            let name = parameters["name"] ?? ""
            guard let entry = context.catalog.entries.first(where: { $0.spec.name == name }) else {
                reply(APIError.modelNotFound("no model named \"\(name)\"").response(requestID: request.id))
                return
            }
            guard case let .ready(loaded) = entry.state else {
                reply(APIError.modelUnavailable("model \"\(name)\" is \(entry.state.name)").response(requestID: request.id))
                return
            }
            func serve<Model: ServedModel, Parsed: Sendable>(_ call: TaskCall<Model, Parsed>) {
                TaskDriver.serve(call, fixedModel: name, request: request, requestContext: requestContext,
                                 context: context, reply: reply)
            }
            let maxInputs = context.inference.maxInputs
            switch loaded {
            case is FillMaskModel: serve(fillMask(maxInputs))
            case is ClassificationModel: serve(classification(maxInputs))
            case is NextSentenceModel: serve(nextSentence(maxInputs))
            case is EmbeddingModel: serve(featureExtraction(maxInputs))
            case is TranslationModel: serve(translation(maxInputs))
            default:
                reply(APIError.invalid("model \"\(name)\" serves \(entry.spec.task), which has no Hugging Face shape")
                    .response(requestID: request.id))
            }
        }
    }

    static func fillMask(_ maxInputs: Int) -> TaskCall<FillMaskModel, FillMaskRequest> {
        TaskCall(
            parse: { fields throws(APIError) in
                let (common, parameters) = try HuggingFaceRequest.read(fields, parameters: ["top_k", "targets", "truncation"],
                                                                       maxInputs: maxInputs)
                return (nil, FillMaskRequest(common: common, options: FillMaskOptions(
                    topK: try parameters.integer("top_k", in: 1...1000) ?? 5,
                    targets: try parameters.stringList("targets"), truncate: common.truncate)))
            },
            encode: { _, _, request, outputs in
                WireJSON.encode(HuggingFaceShapes.perInput(outputs.map(\.huggingFace), isList: request.common.isList))
            })
    }

    static func classification(_ maxInputs: Int) -> TaskCall<ClassificationModel, ClassifyRequest> {
        TaskCall(
            parse: { fields throws(APIError) in
                let (common, parameters) = try HuggingFaceRequest.read(
                    fields, parameters: ["top_k", "function_to_apply", "truncation"], maxInputs: maxInputs)
                return (nil, ClassifyRequest(common: common, options: TextClassificationOptions(
                    topK: try parameters.integer("top_k", in: 1...1000),
                    function: try ClassifyRequest.function(parameters), truncate: common.truncate)))
            },
            encode: { _, _, _, outputs in
                // The API answers a list of label lists even for one input; the client takes the first.
                WireJSON.encode(outputs.map { $0.labels.map { LabelBody(label: $0.label, score: $0.score) } })
            })
    }

    static func nextSentence(_ maxInputs: Int) -> TaskCall<NextSentenceModel, NextSentenceRequest> {
        TaskCall(
            parse: { fields throws(APIError) in
                try fields.rejectUnknown(HuggingFaceRequest.envelopeKeys)
                let parameters = try fields.object("parameters") ?? RequestFields.empty("parameters")
                try parameters.rejectUnknown(["truncation"])
                let pairs = try pairs(fields.raw("inputs"), maxInputs: maxInputs)
                let common = CommonRequest(texts: pairs.map(\.first), isList: true, model: nil,
                                           truncate: try parameters.bool("truncation") ?? false, side: .right)
                return (nil, NextSentenceRequest(common: common, pairs: pairs))
            },
            encode: { _, _, _, outputs in
                WireJSON.encode(outputs.map { NextSentenceRequest.labels($0) })
            })
    }

    /// `{"text", "text_pair"}` or a list of them, as the text-classification pipeline takes pairs.
    static func pairs(_ value: JSONValue?, maxInputs: Int) throws(APIError) -> [SentencePair] {
        guard let value else { throw .invalid("inputs is required") }
        let items: [JSONValue]
        if case let .array(list) = value { items = list } else { items = [value] }
        guard !items.isEmpty, items.count <= maxInputs else {
            throw .invalid("inputs must hold 1 to \(maxInputs) pairs, got \(items.count)")
        }
        var pairs: [SentencePair] = []
        for (index, item) in items.enumerated() {
            let fields = try RequestFields(item, at: "inputs[\(index)]")
            try fields.rejectUnknown(["text", "text_pair"])
            guard let first = try fields.texts("text", maxCount: 1), !first.isList,
                  let second = try fields.texts("text_pair", maxCount: 1), !second.isList else {
                throw .invalid("inputs[\(index)] must be {\"text\": string, \"text_pair\": string}")
            }
            pairs.append(SentencePair(first: first.texts[0], second: second.texts[0]))
        }
        return pairs
    }

    static func featureExtraction(_ maxInputs: Int) -> TaskCall<EmbeddingModel, EmbedRequest> {
        TaskCall(
            parse: { fields throws(APIError) in
                try fields.rejectUnknown(["inputs", "normalize", "prompt_name", "truncate", "truncation_direction",
                                          "dimensions", "encoding_format", "options", "parameters"])
                guard let (texts, isList) = try fields.texts("inputs", maxCount: maxInputs) else {
                    throw .invalid("inputs is required")
                }
                for unsupported in ["prompt_name", "dimensions"] where fields.has(unsupported) {
                    throw .invalid("\(unsupported) is not supported")
                }
                if let format = try fields.string("encoding_format"), format != "float" {
                    throw .invalid("encoding_format must be \"float\", got \"\(format)\"")
                }
                var side = TruncationSide.right
                if let direction = try fields.string("truncation_direction") {
                    // Text Embeddings Inference spells it "Left"/"Right".
                    guard let parsed = TruncationSide(rawValue: direction.lowercased()) else {
                        throw .invalid("truncation_direction must be \"Right\" or \"Left\", got \"\(direction)\"")
                    }
                    side = parsed
                }
                _ = try fields.bool("normalize")
                let common = CommonRequest(texts: texts, isList: isList, model: nil,
                                           truncate: try fields.bool("truncate") ?? false, side: side)
                return (nil, EmbedRequest(common: common, normalize: try fields.bool("normalize")))
            },
            encode: { _, model, request, outputs in
                let vectors = outputs.map { request.vector($0.embedding, model: model) }
                return request.common.isList ? WireJSON.encode(vectors) : WireJSON.encode(vectors[0])
            })
    }

    static func translation(_ maxInputs: Int) -> TaskCall<TranslationModel, TranslateRequest> {
        TaskCall(
            parse: { fields throws(APIError) in
                try fields.rejectUnknown(HuggingFaceRequest.envelopeKeys)
                _ = try fields.object("options")
                guard let (texts, isList) = try fields.texts("inputs", maxCount: maxInputs) else {
                    throw .invalid("inputs is required")
                }
                let parameters = try fields.object("parameters") ?? RequestFields.empty("parameters")
                try parameters.rejectUnknown(["src_lang", "tgt_lang", "clean_up_tokenization_spaces", "truncation",
                                              "generate_parameters"])
                for pair in ["src_lang", "tgt_lang"] where parameters.has(pair) {
                    throw .invalid("parameters.\(pair): a Marian model translates one language pair and takes no language codes")
                }
                // SentencePiece decoding already yields the detokenized text; there are no spaces to clean up.
                _ = try parameters.bool("clean_up_tokenization_spaces")
                let strategies = ["do_not_truncate", "longest_first", "only_first", "only_second"]
                var truncate = false
                if let strategy = try parameters.string("truncation") {
                    guard strategies.contains(strategy) else {
                        throw .invalid("parameters.truncation must be one of \(strategies.joined(separator: ", ")), got \"\(strategy)\"")
                    }
                    truncate = strategy != "do_not_truncate"
                }
                let generate = try parameters.object("generate_parameters") ?? RequestFields.empty("generate_parameters")
                let known: Set<String> = ["num_beams", "max_new_tokens", "num_return_sequences", "no_repeat_ngram_size",
                                          "length_penalty", "repetition_penalty"]
                try generate.rejectUnknown(known.union(TranslateRequest.samplingKeys))
                var options = TranslationOptions(beamSize: try generate.integer("num_beams", in: 1...16),
                                                 maxNewTokens: try generate.integer("max_new_tokens", in: 1...1024),
                                                 numReturnSequences: try generate.integer("num_return_sequences", in: 1...16) ?? 1,
                                                 truncate: truncate,
                                                 noRepeatNgramSize: try generate.integer("no_repeat_ngram_size", in: 0...32),
                                                 lengthPenalty: try generate.number("length_penalty", in: -10...10),
                                                 repetitionPenalty: try generate.number("repetition_penalty", in: 0.01...10))
                try TranslateRequest.readSampling(generate, into: &options)
                let common = CommonRequest(texts: texts, isList: isList, model: nil, truncate: truncate, side: .right)
                return (nil, TranslateRequest(common: common, options: options, returnScores: false))
            },
            encode: { _, _, request, outputs in
                // TranslationPipeline: one {translation_text} per input (a list of them per input when several
                // sequences are returned), and a list even for a single input.
                let bodies = outputs.map { result -> NestedBody<TranslationBody> in
                    let items = result.translations.map { NestedBody.leaf(TranslationBody(translationText: $0.translationText)) }
                    return items.count == 1 ? items[0] : .list(items)
                }
                return WireJSON.encode(bodies)
            })
    }
}
