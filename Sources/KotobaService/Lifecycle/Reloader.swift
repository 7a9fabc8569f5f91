import KotobaHTTP
import Logging

/// What a reload (`SIGHUP`, `POST /admin/reload`) re-reads: the API keys file, the TLS pair, and the models
/// of the configuration as its layers give it now. Whatever fails to load keeps its previous value.
///
/// Other settings take effect at the next start; a reload that finds them changed says so in the log.
package final class Reloader: Sendable {
    /// The configuration as its layers (file, variables, flags) give it now; throws when they cannot be read.
    package typealias ConfigurationSource = @Sendable () throws -> ServiceConfiguration

    private let started: ServiceConfiguration
    private let reread: ConfigurationSource
    private let catalog: ModelCatalog
    private let keys: KeyStore?
    private let tls: TLSContext?
    private let outcomes: CounterFamily
    private let logger: Logger

    init(started: ServiceConfiguration, reread: @escaping ConfigurationSource, catalog: ModelCatalog, keys: KeyStore?,
         tls: TLSContext?, metrics: ServiceMetrics, logger: Logger) {
        self.started = started
        self.reread = reread
        self.catalog = catalog
        self.keys = keys
        self.tls = tls
        self.outcomes = metrics.reloads
        self.logger = logger
    }

    /// Reloads keys and TLS at once and the models in the background; `completion` gets the models' report.
    /// Reloads asked for while one is under way are coalesced into one more.
    func reload(completion: @escaping @Sendable (ReloadReport) -> Void = { _ in }) {
        reloadKeys()
        reloadTLS()
        let (started, reread, logger, outcomes) = (self.started, self.reread, self.logger, self.outcomes)
        catalog.reload(readModels: {
            let now = try reread()
            var others = now
            others.models = started.models
            if others != started {
                logger.warning("the configuration changed beyond models, API keys and TLS files; those changes take effect at the next start")
            }
            return now.models
        }, completion: { [deadline = started.requests.timeoutSeconds] report in
            outcomes.increment([report.succeeded ? "ok" : "failed"])
            // Replaced and removed models, and the remains of failed loads, are free now or once the requests
            // holding them end, by their deadline at the latest.
            if !report.replaced.isEmpty || !report.removed.isEmpty || !report.failed.isEmpty {
                HeapTrim.schedule(after: [0, 1, deadline + 1])
            }
            completion(report)
        })
    }

    private func reloadKeys() {
        guard let keys else { return }
        do {
            let count = try keys.reload()
            logger.notice("reloaded API keys", metadata: ["file": "\(keys.path)", "keys": .stringConvertible(count)])
        } catch {
            logger.error("API keys not reloaded; the previous keys stay in force", metadata: ["error": "\(error)"])
        }
    }

    private func reloadTLS() {
        guard let tls else { return }
        do {
            try tls.reload()
            logger.notice("reloaded TLS certificate and key",
                          metadata: ["cert_file": "\(tls.settings.certificateFile)",
                                     "expires_in_days": .stringConvertible(tls.secondsToExpiry / 86_400)])
        } catch {
            logger.error("TLS certificate not reloaded; the previous one stays in force", metadata: ["error": "\(error)"])
        }
    }
}
