import KotobaHTTP

/// The service's routes as they are registered: the `Router` that serves them, and the list of
/// (method, pattern) pairs, which the OpenAPI test compares with the document in both directions.
struct RouteTable {
    private(set) var router = Router()
    private(set) var routes: [(method: HTTPMethod, pattern: String)] = []

    mutating func register(_ method: HTTPMethod, _ pattern: String, _ handler: @escaping Router.Handler) {
        router.register(method, pattern, handler)
        routes.removeAll { $0.method == method && $0.pattern == pattern }
        routes.append((method, pattern))
    }

    /// Every route the service serves.
    static func service(_ context: RouteContext) -> RouteTable {
        var table = RouteTable()
        ProbeRoutes.register(into: &table, context)
        MetricsRoute.register(into: &table, context)
        ModelRoutes.register(into: &table, context)
        TaskRoutes.register(into: &table, context)
        OpenAPIRoute.register(into: &table)
        PlaygroundRoute.register(into: &table)
        AdminRoutes.register(into: &table, context)
        return table
    }
}
