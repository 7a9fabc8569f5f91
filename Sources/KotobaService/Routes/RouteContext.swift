import KotobaHTTP
import Logging

/// What route handlers read from the running service; built by `Service`, and by tests without a socket.
struct RouteContext: Sendable {
    let catalog: ModelCatalog
    let metrics: ServiceMetrics
    /// The service's current phase, read per request so a drain shows up on the very next probe.
    let phase: @Sendable () -> ServicePhase
    /// Batchers, the inference pool and request limits of the task endpoints.
    let inference: InferenceHub
    /// Starts a reload and calls back with its report; nil unless `admin.enabled`, and then `/admin/reload`
    /// is not served.
    let reload: (@Sendable (_ completion: @escaping @Sendable (ReloadReport) -> Void) -> Void)?

    /// The routes' view of a service that owns `inference` (it closes the batchers when it drains).
    init(catalog: ModelCatalog, metrics: ServiceMetrics, phase: @escaping @Sendable () -> ServicePhase,
         inference: InferenceHub,
         reload: (@Sendable (_ completion: @escaping @Sendable (ReloadReport) -> Void) -> Void)? = nil) {
        self.catalog = catalog
        self.metrics = metrics
        self.phase = phase
        self.inference = inference
        self.reload = reload
    }

    /// A context with a hub of its own, for tests that route requests without a `Service`.
    init(catalog: ModelCatalog, metrics: ServiceMetrics, phase: @escaping @Sendable () -> ServicePhase,
         configuration: ServiceConfiguration = ServiceConfiguration(),
         logger: Logger = Logger(label: "kotoba") { _ in SwiftLogNoOpLogHandler() }) {
        self.init(catalog: catalog, metrics: metrics, phase: phase,
                  inference: InferenceHub(configuration: configuration, metrics: metrics.tasks, logger: logger))
    }
}

extension Router {
    /// Every route the service serves.
    static func service(_ context: RouteContext) -> Router {
        RouteTable.service(context).router
    }
}
