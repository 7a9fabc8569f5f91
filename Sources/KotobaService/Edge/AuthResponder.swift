import Foundation
import KotobaHTTP

/// Requires an API key on every route but the probes (and `/metrics` when exempted): `Authorization: Bearer
/// KEY` or `X-API-Key: KEY`. A refusal is 401 with `WWW-Authenticate: Bearer`; an accepted request's key id
/// goes to its log line and the per-key metric, never the key.
struct AuthResponder: HTTPResponder {
    let keys: KeyStore
    let exemptPatterns: Set<String>
    let refusals: CounterFamily
    let wrapped: any HTTPResponder

    /// Routes orchestrators and the playground page reach without a key.
    static func exemptPatterns(exemptMetrics: Bool) -> Set<String> {
        var patterns: Set<String> = ["/livez", "/healthz", "/readyz", "/"]
        if exemptMetrics { patterns.insert("/metrics") }
        return patterns
    }

    func respond(to request: HTTPRequest, context: RequestContext,
                 reply: @escaping @Sendable (HTTPResponse) -> Void) {
        if isExempt(request) { return wrapped.respond(to: request, context: context, reply: reply) }
        guard let presented = Self.presentedKey(request.headers) else {
            refusals.increment(["missing"])
            return reply(Self.refusal("missing API key: send Authorization: Bearer KEY or X-API-Key: KEY",
                                      challenge: #"Bearer realm="kotoba""#, requestID: request.id))
        }
        guard let keyID = keys.current.identify(presented) else {
            refusals.increment(["invalid"])
            return reply(Self.refusal("invalid API key",
                                      challenge: #"Bearer realm="kotoba", error="invalid_token""#, requestID: request.id))
        }
        wrapped.respond(to: request, context: context) { response in
            var response = response
            response.logFields.append((name: "key_id", value: keyID))
            reply(response)
        }
    }

    func routePattern(for request: HTTPRequest) -> String? {
        wrapped.routePattern(for: request)
    }

    private func isExempt(_ request: HTTPRequest) -> Bool {
        if CORSPolicy.isPreflight(request) { return true }
        guard let pattern = wrapped.routePattern(for: request), exemptPatterns.contains(pattern) else { return false }
        // The playground page is exempt as a page; whatever else "/" might serve is not.
        return pattern != "/" || request.method == .get || request.method == .head
    }

    /// The key from `Authorization: Bearer` (scheme case-insensitive, RFC 9110 §11.1) or else `X-API-Key`.
    static func presentedKey(_ headers: HTTPHeaders) -> String? {
        if let authorization = headers["Authorization"] {
            let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                let key = parts[1].trimmingCharacters(in: .whitespaces)
                if !key.isEmpty { return key }
            }
        }
        if let key = headers["X-API-Key"]?.trimmingCharacters(in: .whitespaces), !key.isEmpty { return key }
        return nil
    }

    private static func refusal(_ message: String, challenge: String, requestID: String) -> HTTPResponse {
        var response = HTTPResponse.error(HTTPStatus(code: 401, reason: "Unauthorized"), message: message,
                                          type: "unauthorized", requestID: requestID)
        response.headers.add(name: "WWW-Authenticate", value: challenge)
        return response
    }
}
