import Dispatch
import KotobaHTTP
import KotobaTasks
import Logging

/// The Kotoba service: routes, model catalogue, metrics and the HTTP server, with a lifecycle of
/// `starting → serving → draining → stopping → stopped`.
///
/// `start()` opens the port first and loads models after, so an orchestrator sees a live process with a
/// 503 `/readyz` while weights load. `beginShutdown` flips readiness to 503 at once, keeps serving for the
/// drain window, then closes the listener and gives in-flight requests the shutdown deadline.
package final class Service: Sendable {
    package let configuration: ServiceConfiguration
    package let catalog: ModelCatalog
    package let metrics: ServiceMetrics
    /// The task endpoints' batchers and inference threads: the service closes them when it drains.
    let inference: InferenceHub
    let logger: Logger
    /// The routes behind the edge: API keys, CORS, compression and the `Server` header.
    let responder: any HTTPResponder
    /// What `reload` re-reads: API keys, TLS pair, models.
    let reloader: Reloader
    private let server: HTTPServer
    private let state = Locked(State())
    private let timerQueue = DispatchQueue(label: "kotoba.service.lifecycle")

    private struct State {
        var phase = ServicePhase.starting
        /// Callers of `beginShutdown`, told once every connection has closed.
        var waiting: [@Sendable () -> Void] = []
        var listenerCloseRequested = false
    }

    /// `loaders` maps task names to loaders; a configured model whose task is missing fails to load. It is
    /// evaluated once per load pass (start, then each reload), so caches inside the loaders live for one pass.
    /// `reread` gives the configuration as it is now, for reloads; by default the one started with, so a
    /// reload still picks up model files replaced in place.
    /// Throws when a file the edge needs (API keys, TLS pair) cannot be used.
    package init(configuration: ServiceConfiguration,
                 loaders: @autoclosure @escaping @Sendable () -> [String: any ModelLoader] = [:],
                 reread: Reloader.ConfigurationSource? = nil, logger: Logger? = nil) throws(StartupError) {
        let logger = logger ?? configuration.log.makeLogger()
        let catalog = ModelCatalog(models: configuration.models, makeLoaders: loaders, logger: logger)
        // The server's counters are read at scrape time, and the server needs the router (which needs the
        // metrics) to exist first, so the metrics reach the server through this box.
        // Weak: the server's completion hook holds the metrics, so a strong reference here would be a cycle
        // that keeps a dropped Service (and its event loops) alive.
        let serverBox = Locked(WeakServer())
        let metrics = ServiceMetrics(
            inFlightRequests: { serverBox.current.server?.inFlightRequestCount ?? 0 },
            openConnections: { serverBox.current.server?.openConnectionCount ?? 0 },
            modelStates: { catalog.entries.map { ($0.spec.name, $0.spec.task, $0.state.name) } })
        let state = self.state
        var keys: KeyStore?
        if let path = configuration.auth.apiKeysFile {
            do { keys = try KeyStore(path: path) } catch {
                throw .unusableFile(key: "auth.api_keys_file", path: path, reason: error.reason)
            }
        }
        let tls = try Self.tlsContext(configuration.tls)
        if let tls {
            metrics.registry.sampled("kotoba_tls_certificate_expiry_seconds",
                                     help: "Seconds until the served certificate expires (negative once it has).") {
                Double(tls.secondsToExpiry)
            }
        }
        let reloader = Reloader(started: configuration, reread: reread ?? { configuration }, catalog: catalog,
                                keys: keys, tls: tls, metrics: metrics, logger: logger)
        let inference = InferenceHub(configuration: configuration, metrics: metrics.tasks, logger: logger)
        catalog.onRetire { [weak inference] name, loadID in inference?.retire(name: name, loadID: loadID) }
        var reload: (@Sendable (_ completion: @escaping @Sendable (ReloadReport) -> Void) -> Void)?
        if configuration.admin.enabled { reload = { completion in reloader.reload(completion: completion) } }
        let router = Router.service(RouteContext(catalog: catalog, metrics: metrics, phase: { state.current.phase },
                                                 inference: inference, reload: reload))
        let responder = Self.edge(router, configuration: configuration, keys: keys, metrics: metrics)
        let accessLog = AccessLog(logger: logger)
        let server = HTTPServer(configuration: configuration.httpServer, responder: responder, tls: tls) { record in
            metrics.record(route: record.route, method: record.method.rawValue, status: record.status,
                           seconds: record.duration, requestBytes: record.requestBytes,
                           responseBytes: record.responseBytes,
                           keyID: record.logFields.first { $0.name == "key_id" }?.value)
            accessLog.write(record)
        }
        serverBox.withLock { $0.server = server }
        self.configuration = configuration
        self.catalog = catalog
        self.metrics = metrics
        self.inference = inference
        self.logger = logger
        self.responder = responder
        self.reloader = reloader
        self.server = server
    }

    /// The layers every request passes before its route, outermost first: the `Server` header, compression,
    /// CORS (outside the key check, so a browser can read a 401), then API keys.
    private static func edge(_ router: Router, configuration: ServiceConfiguration, keys: KeyStore?,
                             metrics: ServiceMetrics) -> any HTTPResponder {
        var responder: any HTTPResponder = router
        if let keys {
            responder = AuthResponder(keys: keys,
                                      exemptPatterns: AuthResponder.exemptPatterns(exemptMetrics: configuration.auth.exemptMetrics),
                                      refusals: metrics.authRefusals, wrapped: responder)
        }
        let cors = CORSPolicy(configuration.cors)
        if cors.isEnabled { responder = CORSResponder(policy: cors, wrapped: responder) }
        if configuration.compression.enabled {
            responder = CompressionResponder(minBytes: configuration.compression.minBytes, wrapped: responder)
        }
        return ServerHeaderResponder(wrapped: responder)
    }

    /// The TLS context when both files are set; an unusable certificate or key names its key and path.
    private static func tlsContext(_ settings: ServiceConfiguration.TLS) throws(StartupError) -> TLSContext? {
        guard let certificate = settings.certFile, let key = settings.keyFile else { return nil }
        do {
            return try TLSContext(.init(certificateFile: certificate, keyFile: key,
                                        minimumVersion: settings.minVersion == .v1_3 ? .tls13 : .tls12))
        } catch {
            throw .unusableFile(key: error.file == certificate ? "tls.cert_file" : "tls.key_file", path: error.file,
                                reason: error.reason)
        }
    }

    /// Re-reads what can change without a restart: the API keys file and the TLS pair at once, the models in
    /// the background (`ModelCatalog.reload`); whatever fails to load keeps its previous version and is logged.
    package func reload(completion: @escaping @Sendable (ReloadReport) -> Void = { _ in }) {
        reloader.reload(completion: completion)
    }

    package var phase: ServicePhase { state.current.phase }

    /// Opens the listener, then starts loading models in the background; returns the bound port.
    @discardableResult
    package func start() throws(HTTPServerError) -> Int {
        let port = try server.start()
        state.withLock { if $0.phase == .starting { $0.phase = .serving } }
        var metadata: Logger.Metadata = ["host": "\(configuration.host)", "port": .stringConvertible(port),
                                         "scheme": "\(server.tls == nil ? "http" : "https")",
                                         "version": "\(ServiceInfo.version)",
                                         "kernel_path": "\(ComputeEnvironment.kernelPath)",
                                         "blas_core": "\(ComputeEnvironment.blasCoreType)",
                                         "models": .stringConvertible(configuration.models.count)]
        // OpenBLAS did not know this CPU and the process restarted on a better core: say which it had picked.
        if let detected = ComputeEnvironment.blasCoreDetected { metadata["blas_core_detected"] = "\(detected)" }
        logger.notice("listening", metadata: metadata)
        let logger = self.logger
        let catalog = self.catalog
        catalog.loadAll {
            let failed = catalog.entries.filter { if case .failed = $0.state { true } else { false } }
            if failed.isEmpty {
                logger.notice("all models ready", metadata: ["models": .stringConvertible(catalog.entries.count)])
            } else {
                logger.error("some models failed to load; /readyz stays 503",
                             metadata: ["failed": .array(failed.map { "\($0.spec.name)" })])
            }
        }
        return port
    }

    /// Starts the drain: `/readyz` answers 503 from now on; after the drain window the listener closes and
    /// in-flight requests get the shutdown deadline; `completion` runs when every connection is closed.
    /// A second call during the drain skips what is left of it (a second Ctrl-C means "now").
    package func beginShutdown(completion: @escaping @Sendable () -> Void = {}) {
        let (first, closeNow) = state.withLock { state -> (Bool, Bool) in
            state.waiting.append(completion)
            switch state.phase {
            case .starting, .serving:
                state.phase = .draining
                return (true, false)
            case .draining:
                return (false, true)
            case .stopping, .stopped:
                return (false, false)
            }
        }
        if first {
            logger.notice("draining", metadata: ["drain_seconds": .stringConvertible(configuration.drainSeconds),
                                                 "in_flight": .stringConvertible(server.inFlightRequestCount)])
            timerQueue.asyncAfter(deadline: .now() + configuration.drainSeconds) { [self] in closeListener() }
        } else if closeNow {
            logger.notice("second shutdown request: ending the drain now")
            closeListener()
        } else if phase == .stopped {
            notifyStopped()
        }
    }

    private func closeListener() {
        let proceed = state.withLock { state -> Bool in
            guard !state.listenerCloseRequested else { return false }
            state.listenerCloseRequested = true
            state.phase = .stopping
            return true
        }
        guard proceed else { return }
        // Requests already queued still run within the deadline; new task requests get 503 shutting_down.
        inference.close()
        logger.notice("closing listener", metadata: ["deadline_seconds": .stringConvertible(configuration.shutdownDeadlineSeconds),
                                                     "in_flight": .stringConvertible(server.inFlightRequestCount),
                                                     "open_connections": .stringConvertible(server.openConnectionCount)])
        server.shutdown(deadline: configuration.shutdownDeadlineSeconds) { [self] in
            inference.stop()
            state.withLock { $0.phase = .stopped }
            logger.notice("stopped")
            notifyStopped()
        }
    }

    private func notifyStopped() {
        let waiting = state.withLock { state -> [@Sendable () -> Void] in
            defer { state.waiting = [] }
            return state.waiting
        }
        for completion in waiting { completion() }
    }
}

/// A weak reference to the server, for the metrics' closures.
private struct WeakServer {
    weak var server: HTTPServer?
}
