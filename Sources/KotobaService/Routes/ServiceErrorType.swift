import KotobaHTTP

/// `error_type` values the service adds to the HTTP layer's (`HTTPErrorType`).
package enum ServiceErrorType {
    /// The model exists in the configuration but is not loaded (loading, or failed).
    package static let modelUnavailable = "model_unavailable"
    /// The body is not JSON.
    package static let malformedJSON = "malformed_json"
    /// An input is longer than the model accepts and truncation was not allowed.
    package static let inputTooLong = "input_too_long"
    /// The service is draining and takes no new work.
    package static let shuttingDown = "shutting_down"
    /// The client left before its result was ready.
    package static let clientGone = "client_gone"
    /// The model threw while running a batch.
    package static let inference = "inference"
}
