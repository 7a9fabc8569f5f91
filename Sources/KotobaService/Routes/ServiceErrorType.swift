import KotobaHTTP

/// `error_type` values the service adds to the HTTP layer's (`HTTPErrorType`).
public enum ServiceErrorType {
    /// The model exists in the configuration but is not loaded (loading, or failed).
    public static let modelUnavailable = "model_unavailable"
}
