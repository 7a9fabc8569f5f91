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
}
