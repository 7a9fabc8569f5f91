import KotobaHTTP
import KotobaTasks

/// `POST /fill-mask`, `/classify` (alias `/sentiment`), `/next-sentence`, `/embed`, `/translate`: the task
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

    private static func route<Model: ServedModel, Parsed: Sendable>(
        _ router: inout RouteTable, _ path: String, _ context: RouteContext, _ call: TaskCall<Model, Parsed>
    ) {
        router.register(.post, path) { request, requestContext, _, reply in
            TaskDriver.serve(call, request: request, requestContext: requestContext, context: context, reply: reply)
        }
    }
}
