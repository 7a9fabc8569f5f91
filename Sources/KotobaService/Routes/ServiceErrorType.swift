import KotobaHTTP

/// `error_type` values the service adds to the HTTP layer's (`HTTPErrorType`).
public enum ServiceErrorType {
    /// The model exists in the configuration but is not loaded (loading, or failed).
    public static let modelUnavailable = "model_unavailable"
    /// The body is not JSON.
    public static let malformedJSON = "malformed_json"
    /// An input is longer than the model accepts and truncation was not allowed.
    public static let inputTooLong = "input_too_long"
    /// The service is draining and takes no new work.
    public static let shuttingDown = "shutting_down"
    /// The client left before its result was ready.
    public static let clientGone = "client_gone"
    /// The model threw while running a batch.
    public static let inference = "inference"
}
