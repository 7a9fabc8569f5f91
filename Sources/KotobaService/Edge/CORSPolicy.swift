import KotobaHTTP

/// Which browser origins may call the service, and the headers that tell a browser so
/// (Fetch standard, "CORS protocol").
struct CORSPolicy: Sendable {
    let allowedOrigins: Set<String>
    let allowsAnyOrigin: Bool
    let allowedHeaders: [String]
    let maxAgeSeconds: Int

    /// Response headers a page's script may read: the request id and the timing headers.
    static let exposedHeaders = ["X-Request-ID", "Retry-After", "x-total-time", "x-tokenization-time", "x-queue-time",
                                 "x-inference-time", "x-compute-tokens", "x-batch-size"]
    static let allowedMethods = "GET, HEAD, POST, OPTIONS"

    init(_ settings: ServiceConfiguration.CORS) {
        allowsAnyOrigin = settings.allowedOrigins.contains("*")
        // Origins compare as serialized (scheme://host[:port]); browsers send them lower-case.
        allowedOrigins = Set(settings.allowedOrigins.map { $0.lowercased() })
        allowedHeaders = settings.allowedHeaders
        maxAgeSeconds = settings.maxAgeSeconds
    }

    var isEnabled: Bool { !allowedOrigins.isEmpty }

    /// A preflight: `OPTIONS` with `Origin` and `Access-Control-Request-Method`.
    static func isPreflight(_ request: HTTPRequest) -> Bool {
        request.method == .options && request.headers.contains(name: "Origin")
            && request.headers.contains(name: "Access-Control-Request-Method")
    }

    func allows(origin: String) -> Bool {
        isEnabled && (allowsAnyOrigin || allowedOrigins.contains(origin.lowercased()))
    }

    /// The answer to a preflight: 204 with the allowances for a listed origin, 403 without any CORS header
    /// for another (the browser then refuses the real request).
    func preflightResponse(to request: HTTPRequest) -> HTTPResponse {
        let origin = request.headers["Origin"] ?? ""
        guard allows(origin: origin) else {
            return .error(HTTPStatus(code: 403, reason: "Forbidden"),
                          message: "origin \(origin) is not in cors.allowed_origins", type: "forbidden",
                          requestID: request.id)
        }
        var response = HTTPResponse(status: .noContent)
        response.headers.add(name: "Access-Control-Allow-Origin", value: origin)
        response.headers.add(name: "Access-Control-Allow-Methods", value: Self.allowedMethods)
        response.headers.add(name: "Access-Control-Allow-Headers", value: allowedHeaders.joined(separator: ", "))
        response.headers.add(name: "Access-Control-Max-Age", value: String(maxAgeSeconds))
        response.headers.add(name: "Vary", value: "Origin")
        return response
    }

    /// Adds the headers an actual response to `origin` carries, when the origin is listed.
    func decorate(_ response: inout HTTPResponse, origin: String?) {
        guard isEnabled else { return }
        // The answer depends on Origin whenever CORS is on, so caches must key on it even when it is absent.
        response.headers.add(name: "Vary", value: "Origin")
        guard let origin, allows(origin: origin) else { return }
        response.headers.replaceOrAdd(name: "Access-Control-Allow-Origin", value: origin)
        response.headers.replaceOrAdd(name: "Access-Control-Expose-Headers", value: Self.exposedHeaders.joined(separator: ", "))
    }
}

/// Answers CORS preflights and adds CORS headers to every other response (401s included, so a page can read
/// why it was refused).
struct CORSResponder: HTTPResponder {
    let policy: CORSPolicy
    let wrapped: any HTTPResponder

    func respond(to request: HTTPRequest, context: RequestContext,
                 reply: @escaping @Sendable (HTTPResponse) -> Void) {
        guard policy.isEnabled else { return wrapped.respond(to: request, context: context, reply: reply) }
        if CORSPolicy.isPreflight(request) { return reply(policy.preflightResponse(to: request)) }
        let origin = request.headers["Origin"]
        let policy = self.policy
        wrapped.respond(to: request, context: context) { response in
            var response = response
            policy.decorate(&response, origin: origin)
            reply(response)
        }
    }

    func routePattern(for request: HTTPRequest) -> String? {
        wrapped.routePattern(for: request)
    }
}
