import KotobaHTTP

/// `/livez` (and its `/healthz` alias) and `/readyz`, the two questions an orchestrator asks.
///
/// Liveness never depends on models or draining: a restart would not make a loading model load faster,
/// and killing a draining process is what the drain exists to avoid. Readiness is the one that says 503.
enum ProbeRoutes {
    static func register(into router: inout RouteTable, _ context: RouteContext) {
        // Encoded once: the answer never changes, and load balancers ask it many times a second.
        let aliveBody = WireJSON.encode(LivenessBody())
        let alive: Router.Handler = { _, _, _, reply in
            reply(.json(.ok, body: aliveBody))
        }
        router.register(.get, "/livez", alive)
        router.register(.get, "/healthz", alive)
        router.register(.get, "/readyz") { _, _, _, reply in
            let (status, body) = readiness(phase: context.phase(), entries: context.catalog.entries)
            reply(.json(status, body: WireJSON.encode(body)))
        }
    }

    /// 200 only while serving with every configured model ready; otherwise 503 listing each reason. A model
    /// whose reload failed still serves its previous version, so it counts as ready (its entry says why).
    static func readiness(phase: ServicePhase, entries: [ModelCatalog.Entry]) -> (HTTPStatus, ReadinessBody) {
        var reasons: [String] = []
        switch phase {
        case .serving: break
        case .starting: reasons.append("starting: the listener is not open yet")
        case .draining: reasons.append("draining: shutting down, send traffic elsewhere")
        case .stopping, .stopped: reasons.append("stopping: the listener is closed")
        }
        var models: [ModelStateBody] = []
        for entry in entries {
            var body = ModelStateBody(name: entry.spec.name, task: entry.spec.task, state: entry.state.name)
            switch entry.state {
            case .ready: body.reloadError = entry.reloadError
            case .pending: reasons.append("model \(entry.spec.name) is waiting to load")
            case .loading: reasons.append("model \(entry.spec.name) is loading")
            case let .failed(message):
                body.error = message
                reasons.append("model \(entry.spec.name) failed to load: \(message)")
            }
            models.append(body)
        }
        let ready = reasons.isEmpty
        return (ready ? .ok : .serviceUnavailable,
                ReadinessBody(status: ready ? "ready" : "not_ready", phase: phase.rawValue, reasons: reasons,
                              models: models))
    }
}
