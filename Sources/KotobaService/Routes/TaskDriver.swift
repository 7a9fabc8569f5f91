import Dispatch
import Foundation
import KotobaHTTP
import KotobaTasks

/// A queue item: the batch budget reads what it costs, in tokens (an input tokenized by its task, or the
/// words of a word-vector query).
protocol QueueItem {
    var tokenCount: Int { get }
}

extension PreparedInput: QueueItem {}

extension PreparedItem: QueueItem {
    var tokenCount: Int { input.tokenCount }
}

/// What one endpoint contributes to the shared request path: how to read its body, how to turn the request
/// into queue items for a model, and how to write the model's outputs back.
struct TaskCall<Model: ServedModel, Parsed: Sendable>: Sendable where Model.Item: QueueItem {
    /// Reads and validates the body; also returns the model name the request asks for (nil: the default).
    var parse: @Sendable (RequestFields) throws(APIError) -> (model: String?, request: Parsed)
    /// Tokenizes the inputs (once: the items carry the ids to the model) and checks the options; refuses what
    /// the model cannot take.
    var prepare: @Sendable (Model, Parsed) throws(APIError) -> [Model.Item]
    /// The response body for the outputs, in item order.
    var encode: @Sendable (_ name: String, Model, Parsed, [Model.Output]) -> [UInt8]
}

/// A task request as read from a body: it names the model it asks for and prepares its own inputs.
protocol TaskRequest: Sendable {
    associatedtype Model: ServedModel
    /// Reads the endpoint's own body (`/fill-mask`, `/classify`...).
    static func read(_ fields: RequestFields, maxInputs: Int) throws(APIError) -> Self
    /// The fields every task endpoint has.
    var common: CommonRequest { get }
    /// Tokenizes the inputs and checks the options against `model`.
    func prepare(_ model: Model) throws(APIError) -> [Model.Item]
}

extension TaskCall where Parsed: TaskRequest, Parsed.Model == Model {
    /// A call reading the request some other way (the Hugging Face shapes) and preparing it as the request does.
    init(parse: @escaping @Sendable (RequestFields) throws(APIError) -> (model: String?, request: Parsed),
         encode: @escaping @Sendable (_ name: String, Model, Parsed, [Model.Output]) -> [UInt8]) {
        self.init(parse: parse, prepare: { model, request throws(APIError) in try request.prepare(model) },
                  encode: encode)
    }

    /// The call of the request's own endpoint.
    init(maxInputs: Int, encode: @escaping @Sendable (_ name: String, Model, Parsed, [Model.Output]) -> [UInt8]) {
        self.init(parse: { fields throws(APIError) in
            let request = try Parsed.read(fields, maxInputs: maxInputs)
            return (request.common.model, request)
        }, encode: encode)
    }
}

extension TaskCall {
    /// The route's steps for one body, in this thread, without HTTP or a queue: what the start-up self-check
    /// and the command-line task commands run, so they answer exactly as the endpoint would.
    func respond(to body: [UInt8], model: Model, name: String) throws(APIError) -> [UInt8] {
        let (_, parsed) = try parse(try RequestFields.parse(body))
        let prepared = try prepare(model, parsed)
        var outputs: [Model.Output] = []
        for result in model.runBatch(prepared, isCancelled: { _ in false }) {
            switch result {
            case let .success(output): outputs.append(output)
            case let .failure(error as TaskError): throw APIError(error)
            case let .failure(error): throw .internalError(String(describing: error))
            }
        }
        return encode(name, model, parsed, outputs)
    }
}

/// The request path every task endpoint shares: leave the event loop, parse, pick the model, tokenize (once),
/// queue for a batch under the request's deadline, answer with timing headers; any failure is the error
/// envelope with the status `APIError` gives it.
enum TaskDriver {
    /// Serves `request` with `call`; `fixedModel` is a model named by the path (`/models/{name}`).
    static func serve<Model: ServedModel, Parsed: Sendable>(
        _ call: TaskCall<Model, Parsed>, fixedModel: String? = nil, request: HTTPRequest,
        requestContext: RequestContext, context: RouteContext,
        reply: @escaping @Sendable (HTTPResponse) -> Void
    ) {
        let hub = context.inference
        hub.preparation.async {
            let started = DispatchTime.now()
            var labels = ["none", Model.task]
            do throws(APIError) {
                let fields = try RequestFields.parse(request.body)
                let (asked, parsed) = try call.parse(fields)
                let (name, model, loadID) = try resolve(Model.self, named: fixedModel ?? asked, catalog: context.catalog)
                labels[0] = name
                hub.metrics.requests.increment(labels)
                // The deadline counts from arrival, so time spent waiting for a preparation thread counts too.
                let waited = ContinuousClock.now - requestContext.receivedAt
                let arrived = started - Double(waited.components.seconds) - Double(waited.components.attoseconds) / 1e18
                let deadline = try deadline(request.headers, defaultSeconds: hub.defaultTimeoutSeconds, from: arrived)
                let prepared = try call.prepare(model, parsed)
                let tokens = prepared.map(\.tokenCount)
                let tokenized = DispatchTime.now()
                let tokenizationSeconds = seconds(from: started, to: tokenized)
                hub.metrics.tokenization.observe(tokenizationSeconds, labels)
                let labels = labels
                hub.batcher(for: name, loadID: loadID, model).submit(prepared, tokens: tokens, deadline: deadline,
                                                     context: requestContext) { result in
                    switch result {
                    case let .success((outputs, timing)):
                        var response = HTTPResponse.json(.ok, body: call.encode(name, model, parsed, outputs))
                        let total = seconds(from: started, to: .now())
                        let tokens = tokens.reduce(0, +)
                        for (header, value) in [("x-total-time", total), ("x-tokenization-time", tokenizationSeconds),
                                                ("x-queue-time", timing.queueSeconds),
                                                ("x-inference-time", timing.inferenceSeconds)] {
                            response.headers.add(name: header, value: String(Int((value * 1000).rounded())))
                        }
                        response.headers.add(name: "x-compute-tokens", value: String(tokens))
                        response.headers.add(name: "x-batch-size", value: String(timing.batchSize))
                        hub.metrics.successes.increment(labels)
                        hub.metrics.inputTokens.increment(labels, by: tokens)
                        hub.metrics.queue.observe(timing.queueSeconds, labels)
                        hub.metrics.inference.observe(timing.inferenceSeconds, labels)
                        hub.metrics.duration.observe(total, labels)
                        reply(response)
                    case let .failure(error):
                        fail(.batch(error), labels, hub: hub, request: request, reply: reply)
                    }
                }
            } catch {
                if labels[0] == "none" { hub.metrics.requests.increment(labels) }
                fail(error, labels, hub: hub, request: request, reply: reply)
            }
        }
    }

    private static func fail(_ error: APIError, _ labels: [String], hub: InferenceHub, request: HTTPRequest,
                             reply: @Sendable (HTTPResponse) -> Void) {
        hub.metrics.failures.increment(labels + [error.errorType])
        if error.isServerFault {
            // The client sees the envelope; whoever runs the service needs the cause, findable by request id.
            hub.logger.error("request failed", metadata: ["request_id": "\(request.id)", "model": "\(labels[0])",
                                                          "task": "\(labels[1])", "error_type": "\(error.errorType)",
                                                          "cause": "\(error.message)"])
        }
        reply(error.response(requestID: request.id))
    }

    /// The model a request names, or the task's default, with the id of its loaded version; errors say which
    /// of "unknown", "not ready", "serves another task" or "ambiguous" applies.
    static func resolve<Model: ServedModel>(_ type: Model.Type, named name: String?,
                                            catalog: ModelCatalog) throws(APIError) -> (String, Model, UInt64) {
        let entries = catalog.entries
        if let name {
            guard let entry = entries.first(where: { $0.spec.name == name }) else {
                throw .modelNotFound("no model named \"\(name)\"")
            }
            guard case let .ready(loaded) = entry.state else {
                throw .modelUnavailable("model \"\(name)\" is \(entry.state.name)")
            }
            guard let model = loaded as? Model else {
                throw .invalid("model \"\(name)\" serves \(entry.spec.task), not \(Model.task)")
            }
            return (name, model, entry.loadID)
        }
        let forTask = entries.filter { $0.spec.task == Model.task }
        guard !forTask.isEmpty else { throw .modelNotFound("no \(Model.task) model is configured") }
        if let entry = catalog.defaultEntry(for: Model.task), case let .ready(loaded) = entry.state,
           let model = loaded as? Model {
            return (entry.spec.name, model, entry.loadID)
        }
        if forTask.filter({ $0.state.isReady }).count > 1 {
            throw .invalid("several \(Model.task) models are loaded and none is the default; name one in \"model\"")
        }
        throw .modelUnavailable("no \(Model.task) model is ready")
    }

    /// `X-Request-Timeout-Ms` (1 ms to 1 h) or the configured default, counted from when the request arrived.
    static func deadline(_ headers: HTTPHeaders, defaultSeconds: Double,
                         from start: DispatchTime) throws(APIError) -> DispatchTime {
        guard let text = headers["X-Request-Timeout-Ms"] else { return start + defaultSeconds }
        guard let milliseconds = Int(text.trimmingCharacters(in: .whitespaces)), (1...3_600_000).contains(milliseconds) else {
            throw .invalid("X-Request-Timeout-Ms must be an integer from 1 to 3600000, got \"\(text)\"")
        }
        return start + .milliseconds(milliseconds)
    }

    static func seconds(from start: DispatchTime, to end: DispatchTime) -> Double {
        Double(end.uptimeNanoseconds &- start.uptimeNanoseconds) / 1e9
    }
}
