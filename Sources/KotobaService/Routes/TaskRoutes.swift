import KotobaHTTP
import KotobaTasks

/// `POST /fill-mask`, `/classify` (alias `/sentiment`), `/next-sentence`, `/embed`, `/translate`: the task
/// endpoints, each a `TaskCall` on the shared `TaskDriver` path.
enum TaskRoutes {
    static func register(into router: inout RouteTable, _ context: RouteContext) {
        let maxInputs = context.inference.maxInputs
        route(&router, "/fill-mask", context, TaskCall<FillMaskModel, FillMaskRequest>(
            parse: { fields throws(APIError) in
                let request = try FillMaskRequest.read(fields, maxInputs: maxInputs)
                return (request.common.model, request)
            },
            prepare: { model, request throws(APIError) in try request.prepare(model) },
            encode: { name, _, _, outputs in
                WireJSON.encode(ResultsBody(model: name, results: outputs.map(FillMaskResultBody.init)))
            }))
        let classify = TaskCall<ClassificationModel, ClassifyRequest>(
            parse: { fields throws(APIError) in
                let request = try ClassifyRequest.read(fields, maxInputs: maxInputs)
                return (request.common.model, request)
            },
            prepare: { model, request throws(APIError) in try request.prepare(model) },
            encode: { name, _, _, outputs in
                WireJSON.encode(ResultsBody(model: name, results: outputs.map {
                    LabelsResultBody(labels: $0.labels, input: $0.input)
                }))
            })
        route(&router, "/classify", context, classify)
        route(&router, "/sentiment", context, classify)
        route(&router, "/next-sentence", context, TaskCall<NextSentenceModel, NextSentenceRequest>(
            parse: { fields throws(APIError) in
                let request = try NextSentenceRequest.read(fields, maxInputs: maxInputs)
                return (request.common.model, request)
            },
            prepare: { model, request throws(APIError) in try request.prepare(model) },
            encode: { name, _, _, outputs in
                WireJSON.encode(ResultsBody(model: name, results: outputs.map {
                    LabelsResultBody(labels: NextSentenceRequest.labels($0), input: $0.input)
                }))
            }))
        route(&router, "/embed", context, TaskCall<EmbeddingModel, EmbedRequest>(
            parse: { fields throws(APIError) in
                let request = try EmbedRequest.read(fields, maxInputs: maxInputs)
                return (request.common.model, request)
            },
            prepare: { model, request throws(APIError) in try request.prepare(model) },
            encode: { name, model, request, outputs in
                WireJSON.encode(ResultsBody(model: name, results: outputs.map {
                    EmbeddingResultBody($0, vector: request.vector($0.embedding, model: model))
                }))
            }))
        route(&router, "/translate", context, TaskCall<TranslationModel, TranslateRequest>(
            parse: { fields throws(APIError) in
                let request = try TranslateRequest.read(fields, maxInputs: maxInputs)
                return (request.common.model, request)
            },
            prepare: { model, request throws(APIError) in try request.prepare(model) },
            encode: { name, _, request, outputs in
                WireJSON.encode(ResultsBody(model: name, results: outputs.map {
                    TranslationResultBody($0, scores: request.returnScores)
                }))
            }))
        TokenizeRoute.register(into: &router, context)
        HuggingFaceRoute.register(into: &router, context)
    }

    private static func route<Model: ServedModel, Parsed: Sendable>(
        _ router: inout RouteTable, _ path: String, _ context: RouteContext, _ call: TaskCall<Model, Parsed>
    ) {
        router.register(.post, path) { request, requestContext, _, reply in
            TaskDriver.serve(call, request: request, requestContext: requestContext, context: context, reply: reply)
        }
    }
}
