import KotobaHTTP

/// `GET /metrics` in the Prometheus text format.
enum MetricsRoute {
    static func register(into router: inout RouteTable, _ context: RouteContext) {
        router.register(.get, "/metrics") { _, _, _, reply in
            reply(.text(.ok, context.metrics.registry.render(), contentType: PrometheusText.contentType))
        }
    }
}
