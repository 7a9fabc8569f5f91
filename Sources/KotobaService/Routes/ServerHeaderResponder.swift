import KotobaHTTP

/// Adds `Server: kotoba/<version>` to every response the service's routes produce (404 and 405 included).
struct ServerHeaderResponder: HTTPResponder {
    static var value: String { "\(ServiceInfo.name)/\(ServiceInfo.version)" }
    let wrapped: any HTTPResponder

    func respond(to request: HTTPRequest, context: RequestContext,
                 reply: @escaping @Sendable (HTTPResponse) -> Void) {
        wrapped.respond(to: request, context: context) { response in
            var response = response
            response.headers.replaceOrAdd(name: "Server", value: Self.value)
            reply(response)
        }
    }

    func routePattern(for request: HTTPRequest) -> String? {
        wrapped.routePattern(for: request)
    }
}
