/// Values captured by `{name}` segments of a route pattern, percent-decoded.
package struct PathParameters: Sendable, Sequence {
    private var values: [(name: String, value: String)]

    package init(_ values: [(name: String, value: String)] = []) {
        self.values = values
    }

    package subscript(_ name: String) -> String? {
        values.first { $0.name == name }?.value
    }

    package var isEmpty: Bool { values.isEmpty }

    package func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        values.makeIterator()
    }
}

/// Routes by method and path pattern ("/v1/models/{name}"); 404 for unknown paths, 405 + Allow for
/// known paths with another method, both with the JSON error envelope. HEAD is served wherever GET is.
package struct Router: HTTPResponder {
    /// A route's work: call the reply closure once, from any thread.
    package typealias Handler = @Sendable (HTTPRequest, RequestContext, PathParameters,
                                          @escaping @Sendable (HTTPResponse) -> Void) -> Void

    /// The outcome of looking up a method and path.
    package enum Match: Sendable {
        case found(pattern: String, parameters: PathParameters, handler: Handler)
        case methodNotAllowed(pattern: String, allowed: [HTTPMethod])
        case notFound
    }

    private var routes: [Route] = []
    /// Routes whose pattern has no `{name}` segment, by pattern text. Such a pattern is at least as specific as
    /// any other that matches the same path, so an exact hit here settles the match without the scan (the
    /// probes, `/metrics` and the task endpoints, each matched several times per request by the edge layers).
    private var literalRoutes: [String: [Route]] = [:]

    package init() {}

    /// Registers `handler` for `method` on `pattern`; a later registration of the same pair replaces it.
    package mutating func register(_ method: HTTPMethod, _ pattern: String, _ handler: @escaping Handler) {
        let route = Route(method: method, pattern: RoutePattern(pattern), handler: handler)
        routes.removeAll { $0.method == method && $0.pattern.text == pattern }
        routes.append(route)
        if route.pattern.isLiteral {
            literalRoutes[pattern, default: []].removeAll { $0.method == method }
            literalRoutes[pattern, default: []].append(route)
        }
    }

    package func match(method: HTTPMethod, path: String) -> Match {
        // Only a path starting with "/" can equal a pattern's text; anything else takes the general scan.
        if path.utf8.first == UInt8(ascii: "/"), let candidates = literalRoutes[path] {
            return Self.match(method: method, literal: path, among: candidates)
        }
        return scan(method: method, path: path)
    }

    /// The match by trying every route: what `match` gives for any path, the literal index only being faster.
    func scan(method: HTTPMethod, path: String) -> Match {
        Self.match(method: method, path: path, among: routes)
    }

    /// The match among routes that all have the literal pattern `path`: the same rules as the scan (HEAD is
    /// served by GET unless registered), without splitting the path.
    private static func match(method: HTTPMethod, literal path: String, among candidates: [Route]) -> Match {
        var get: Route?
        for route in candidates {
            if route.method == method { return .found(pattern: path, parameters: PathParameters(), handler: route.handler) }
            if route.method == .get { get = route }
        }
        if method == .head, let get { return .found(pattern: path, parameters: PathParameters(), handler: get.handler) }
        var allowed = candidates.map(\.method)
        if allowed.contains(.get) && !allowed.contains(.head) { allowed.append(.head) }
        return .methodNotAllowed(pattern: path, allowed: allowed)
    }

    private static func match(method: HTTPMethod, path: String, among routes: [Route]) -> Match {
        var best: (route: Route, parameters: PathParameters)?
        var bestPatternForPath: RoutePattern?
        var allowed: [HTTPMethod] = []
        let segments = RoutePattern.segments(of: path)
        for route in routes {
            guard let parameters = route.pattern.match(segments) else { continue }
            if bestPatternForPath.map({ route.pattern.isMoreSpecific(than: $0) }) ?? true {
                if bestPatternForPath?.text != route.pattern.text { allowed = [] }
                bestPatternForPath = route.pattern
            }
            guard route.pattern.text == bestPatternForPath?.text else { continue }
            allowed.append(route.method)
            if route.method == method || (method == .head && route.method == .get && best?.route.method != .head) {
                best = (route, parameters)
            }
        }
        guard let pattern = bestPatternForPath else { return .notFound }
        if let best, best.route.pattern.text == pattern.text {
            return .found(pattern: pattern.text, parameters: best.parameters, handler: best.route.handler)
        }
        if allowed.contains(.get) && !allowed.contains(.head) { allowed.append(.head) }
        return .methodNotAllowed(pattern: pattern.text, allowed: allowed)
    }

    /// The pattern that matches `path` (for any method), for labelling metrics; nil when none does.
    package func route(for path: String) -> String? {
        switch match(method: .get, path: path) {
        case let .found(pattern, _, _), let .methodNotAllowed(pattern, _): return pattern
        case .notFound: return nil
        }
    }

    package func routePattern(for request: HTTPRequest) -> String? {
        route(for: request.path)
    }

    package func respond(to request: HTTPRequest, context: RequestContext,
                        reply: @escaping @Sendable (HTTPResponse) -> Void) {
        switch match(method: request.method, path: request.path) {
        case let .found(_, parameters, handler):
            handler(request, context, parameters, reply)
        case let .methodNotAllowed(_, allowed):
            var response = HTTPResponse.error(.methodNotAllowed,
                                              message: "method \(request.method) not allowed on \(request.path)",
                                              type: HTTPErrorType.methodNotAllowed, requestID: request.id)
            response.headers.add(name: "Allow", value: allowed.map(\.rawValue).joined(separator: ", "))
            reply(response)
        case .notFound:
            reply(.error(.notFound, message: "no route for \(request.path)", type: HTTPErrorType.notFound,
                         requestID: request.id))
        }
    }

    private struct Route: Sendable {
        var method: HTTPMethod
        var pattern: RoutePattern
        var handler: Handler
    }
}
