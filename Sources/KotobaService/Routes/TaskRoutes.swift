import KotobaHTTP
import KotobaTasks

/// `POST /fill-mask`, `/classify` (alias `/sentiment`), `/next-sentence`, `/embed`, `/translate`, `/similar`,
/// `/word-vectors`: the task
/// endpoints, each a `TaskCall` on the shared `TaskDriver` path (and, for the start-up self-check, run
/// directly against a freshly loaded model).
enum TaskRoutes {
    static func register(into router: inout RouteTable, _ context: RouteContext) {
        let maxInputs = context.inference.maxInputs
        route(&router, "/fill-mask", context, fillMask(maxInputs))
        route(&router, "/classify", context, classify(maxInputs))
        route(&router, "/sentiment", context, classify(maxInputs))
        route(&router, "/next-sentence", context, nextSentence(maxInputs))
        route(&router, "/embed", context, embed(maxInputs))
        route(&router, "/translate", context, translate(maxInputs))
        route(&router, "/similar", context, similar)
        route(&router, "/word-vectors", context, wordVectors(maxInputs))
        TokenizeRoute.register(into: &router, context)
        HuggingFaceRoute.register(into: &router, context)
    }

    static func fillMask(_ maxInputs: Int) -> TaskCall<FillMaskModel, FillMaskRequest> {
        TaskCall(maxInputs: maxInputs) { name, _, _, outputs in
            WireJSON.encode(ResultsBody(model: name, results: outputs.map(FillMaskResultBody.init)))
        }
    }

    static func classify(_ maxInputs: Int) -> TaskCall<ClassificationModel, ClassifyRequest> {
        TaskCall(maxInputs: maxInputs) { name, _, _, outputs in
            WireJSON.encode(ResultsBody(model: name, results: outputs.map {
                LabelsResultBody(labels: $0.labels, input: $0.input)
            }))
        }
    }

    static func nextSentence(_ maxInputs: Int) -> TaskCall<NextSentenceModel, NextSentenceRequest> {
        TaskCall(maxInputs: maxInputs) { name, _, _, outputs in
            WireJSON.encode(ResultsBody(model: name, results: outputs.map {
                LabelsResultBody(labels: NextSentenceRequest.labels($0), input: $0.input)
            }))
        }
    }

    static func embed(_ maxInputs: Int) -> TaskCall<EmbeddingModel, EmbedRequest> {
        TaskCall(maxInputs: maxInputs) { name, model, request, outputs in
            WireJSON.encode(ResultsBody(model: name, results: outputs.map {
                EmbeddingResultBody($0, vector: request.vector($0.embedding, model: model))
            }))
        }
    }

    static func translate(_ maxInputs: Int) -> TaskCall<TranslationModel, TranslateRequest> {
        TaskCall(maxInputs: maxInputs) { name, _, request, outputs in
            WireJSON.encode(ResultsBody(model: name, results: outputs.map {
                TranslationResultBody($0, scores: request.returnScores)
            }))
        }
    }

    static let similar = TaskCall<WordVectorsModel, SimilarRequest>(
        parse: { fields throws(APIError) in
            let request = try SimilarRequest.read(fields)
            return (request.model, request)
        },
        prepare: { model, request throws(APIError) in try request.prepare(model) },
        encode: { name, _, _, outputs in
            guard case let .similar(words)? = outputs.first else { return WireJSON.encode(ResultsBody<SimilarWordBody>(model: name, results: [])) }
            return WireJSON.encode(ResultsBody(model: name, results: words.map { SimilarWordBody(word: $0.word, score: $0.score) }))
        })

    static func wordVectors(_ maxInputs: Int) -> TaskCall<WordVectorsModel, WordVectorsRequest> {
        TaskCall(parse: { fields throws(APIError) in
            let request = try WordVectorsRequest.read(fields, maxInputs: maxInputs)
            return (request.model, request)
        }, prepare: { _, request in [.lookup(request.words)] }, encode: { name, _, _, outputs in
            guard case let .vectors(vectors)? = outputs.first else { return WireJSON.encode(WordVectorsBody(model: name, vectors: [])) }
            return WireJSON.encode(WordVectorsBody(model: name, vectors: vectors))
        })
    }

    private static func route<Model: ServedModel, Parsed: Sendable>(
        _ router: inout RouteTable, _ path: String, _ context: RouteContext, _ call: TaskCall<Model, Parsed>
    ) {
        router.register(.post, path) { request, requestContext, _, reply in
            TaskDriver.serve(call, request: request, requestContext: requestContext, context: context, reply: reply)
        }
    }
}
