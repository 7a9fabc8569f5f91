/// Where one configured model is on its way to serving: `pending → loading → ready | failed`.
package enum ModelLoadState: Sendable {
    /// Waiting for the models before it to load.
    case pending
    /// Its loader is running.
    case loading
    /// Loaded and serving.
    case ready(any LoadedModel)
    /// Its loader threw, or no loader exists for its task; the message says which.
    case failed(String)

    /// The state's name as `/readyz` and the `kotoba_model_state` metric spell it.
    package var name: String {
        switch self {
        case .pending: "pending"
        case .loading: "loading"
        case .ready: "ready"
        case .failed: "failed"
        }
    }

    package var isReady: Bool {
        if case .ready = self { true } else { false }
    }
}
