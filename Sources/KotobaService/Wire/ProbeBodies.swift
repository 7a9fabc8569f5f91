/// `GET /livez`: the process is up and answering.
struct LivenessBody: Encodable {
    var status = "alive"
}

/// `GET /readyz`: whether this instance should get traffic, and if not, what it is waiting for.
struct ReadinessBody: Encodable {
    /// `ready` or `not_ready`.
    var status: String
    /// Service phase: `starting`, `serving`, `draining`, `stopping`, `stopped`.
    var phase: String
    /// One line per reason the instance is not ready; empty when ready.
    var reasons: [String]
    /// Every configured model with its load state.
    var models: [ModelStateBody]
}

/// One configured model's load state in `/readyz`.
struct ModelStateBody: Encodable {
    var name: String
    var task: String
    /// `pending`, `loading`, `ready` or `failed`.
    var state: String
    /// Why loading failed; present only for `failed`.
    var error: String?
    /// Why the last reload of a ready model failed; the version loaded before keeps serving.
    var reloadError: String?

    enum CodingKeys: String, CodingKey {
        case name, task, state, error
        case reloadError = "reload_error"
    }
}

/// `POST /admin/reload`: what the reload did, model by model.
struct ReloadBody: Encodable {
    /// `ok`, or `failed` when the configuration or a model did not load.
    var status: String
    var added: [String]
    var replaced: [String]
    var removed: [String]
    var unchanged: [String]
    /// Model name → why it did not load.
    var failed: [String: String]
    /// Why the configuration could not be read (nothing changed then).
    var error: String?

    init(_ report: ReloadReport) {
        status = report.succeeded ? "ok" : "failed"
        added = report.added
        replaced = report.replaced
        removed = report.removed
        unchanged = report.unchanged
        failed = report.failed
        error = report.configurationError
    }
}
