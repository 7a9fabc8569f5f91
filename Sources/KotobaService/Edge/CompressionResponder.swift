import KotobaHTTP

/// gzips response bodies of at least `minBytes` for clients whose `Accept-Encoding` allows it, and says
/// `Vary: Accept-Encoding` on every response it could have compressed. The probes are left alone: they are
/// tiny, and a load balancer's health check should cost nothing.
struct CompressionResponder: HTTPResponder {
    let minBytes: Int
    let wrapped: any HTTPResponder

    static let uncompressedPatterns: Set<String> = ["/livez", "/healthz", "/readyz"]

    func respond(to request: HTTPRequest, context: RequestContext,
                 reply: @escaping @Sendable (HTTPResponse) -> Void) {
        if let pattern = wrapped.routePattern(for: request), Self.uncompressedPatterns.contains(pattern) {
            return wrapped.respond(to: request, context: context, reply: reply)
        }
        let accepts = AcceptEncoding.allowsGzip(request.headers["Accept-Encoding"])
        let minBytes = self.minBytes
        wrapped.respond(to: request, context: context) { response in
            var response = response
            Self.compress(&response, accepts: accepts, minBytes: minBytes)
            reply(response)
        }
    }

    func routePattern(for request: HTTPRequest) -> String? {
        wrapped.routePattern(for: request)
    }

    static func compress(_ response: inout HTTPResponse, accepts: Bool, minBytes: Int) {
        // A body a route already encoded is not ours to touch; 204 and 304 have none.
        guard !response.headers.contains(name: "Content-Encoding"),
              response.status.code != 204, response.status.code != 304 else { return }
        response.headers.add(name: "Vary", value: "Accept-Encoding")
        guard accepts, response.body.count >= minBytes, let compressed = Gzip.compress(response.body),
              compressed.count < response.body.count else { return }
        response.body = compressed
        response.headers.add(name: "Content-Encoding", value: "gzip")
    }
}
