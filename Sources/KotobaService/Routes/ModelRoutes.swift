import KotobaHTTP

/// `GET /v1/models` and `GET /v1/models/{name}`: what can be asked for.
///
/// The list holds ready models only, since a client can use nothing else; `/readyz` is where loading and
/// failed models are reported.
enum ModelRoutes {
    static func register(into router: inout RouteTable, _ context: RouteContext) {
        router.register(.get, "/v1/models") { _, _, _, reply in
            let ready = context.catalog.entries.compactMap { entry -> ModelBody? in
                guard case let .ready(model) = entry.state else { return nil }
                return ModelBody(spec: entry.spec, metadata: model.metadata)
            }
            reply(.json(.ok, body: WireJSON.encode(ModelListBody(data: ready))))
        }
        router.register(.get, "/v1/models/{name}") { request, _, parameters, reply in
            let name = parameters["name"] ?? ""
            guard let entry = context.catalog.entries.first(where: { $0.spec.name == name }) else {
                reply(.error(.notFound, message: "no model named \"\(name)\"", type: HTTPErrorType.notFound,
                             requestID: request.id))
                return
            }
            guard case let .ready(model) = entry.state else {
                var message = "model \"\(name)\" is \(entry.state.name)"
                if case let .failed(why) = entry.state { message += ": \(why)" }
                reply(.error(.serviceUnavailable, message: message, type: ServiceErrorType.modelUnavailable,
                             requestID: request.id))
                return
            }
            reply(.json(.ok, body: WireJSON.encode(ModelBody(spec: entry.spec, metadata: model.metadata))))
        }
    }
}
