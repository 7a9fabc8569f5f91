import KotobaHTTP
import KotobaTasks

/// Everything a task request can fail with, mapped to one status and `error_type` in one place.
enum APIError: Error, Equatable {
    /// The body is not JSON (400).
    case malformedJSON(String)
    /// Well-formed but unusable: wrong type, unknown field, empty text, out-of-range option (422).
    case invalid(String)
    /// An input is longer than the model accepts and the request did not allow truncation (422).
    case inputTooLong(input: Int, tokens: Int, limit: Int)
    /// No configured model has this name, or none serves the task (404).
    case modelNotFound(String)
    /// The model is configured but not loaded (503).
    case modelUnavailable(String)
    /// The model's queue or deadline refused the request (429, 504, 503, 500).
    case batch(BatchError)
    /// A broken invariant of ours (500).
    case internalError(String)
    /// The model or tokenizer failed on an input the task had accepted (500, `inference`): ours, and logged
    /// with the request id.
    case modelFailure(String)

    /// From a task's error for input `index` (nil when the task did not say which input).
    init(_ error: TaskError, input index: Int? = nil) {
        let prefix = index.map { "text[\($0)]: " } ?? ""
        switch error {
        case let .invalidInput(message): self = .invalid(prefix + message)
        case let .inputTooLong(tokens, limit): self = .inputTooLong(input: index ?? 0, tokens: tokens, limit: limit)
        case .cancelled: self = .batch(.clientGone)
        case .model, .tokenizer: self = .modelFailure(prefix + error.description)
        }
    }

    var status: HTTPStatus {
        switch self {
        case .malformedJSON: .badRequest
        case .invalid, .inputTooLong: .unprocessableContent
        case .modelNotFound: .notFound
        case .modelUnavailable: .serviceUnavailable
        case let .batch(error):
            switch error {
            case .queueFull: .tooManyRequests
            case .deadlineExceeded: .gatewayTimeout
            case .shuttingDown: .serviceUnavailable
            // Nobody reads it, but the access log and metrics still get a status: nginx's 499 is not standard.
            case .clientGone: HTTPStatus(code: 499, reason: "Client Closed Request")
            case .failed: .internalServerError
            case let .rejected(error): APIError(error).status
            }
        case .internalError, .modelFailure: .internalServerError
        }
    }

    var errorType: String {
        switch self {
        case .malformedJSON: ServiceErrorType.malformedJSON
        case .invalid: HTTPErrorType.validation
        case .inputTooLong: ServiceErrorType.inputTooLong
        case .modelNotFound: HTTPErrorType.notFound
        case .modelUnavailable: ServiceErrorType.modelUnavailable
        case let .batch(error):
            switch error {
            case .queueFull: HTTPErrorType.overloaded
            case .deadlineExceeded: HTTPErrorType.timeout
            case .shuttingDown: ServiceErrorType.shuttingDown
            case .clientGone: ServiceErrorType.clientGone
            case .failed: ServiceErrorType.inference
            case let .rejected(error): APIError(error).errorType
            }
        case .internalError: HTTPErrorType.internalError
        case .modelFailure: ServiceErrorType.inference
        }
    }

    var message: String {
        switch self {
        case let .malformedJSON(why): "request body is not valid JSON: \(why)"
        case let .invalid(why): why
        case let .inputTooLong(input, tokens, limit):
            "text[\(input)] has \(tokens) tokens; the model accepts at most \(limit) (send \"truncation\": true to cut it)"
        case let .modelNotFound(why), let .modelUnavailable(why), let .internalError(why): why
        case let .modelFailure(why): "inference failed: \(why)"
        case let .batch(error):
            switch error {
            case let .queueFull(capacity, retry): "the model's queue is full (\(capacity) requests); retry in \(retry) s"
            // The deadline counts from arrival, so the time left once queued can be 0 ms for a 1 ms deadline:
            // say what the number is rather than calling it the deadline.
            case let .deadlineExceeded(milliseconds):
                "no result before the request's deadline (X-Request-Timeout-Ms, else requests.timeout_seconds, "
                    + "counted from arrival), which passed \(milliseconds) ms after the request was queued"
            case .shuttingDown: "the service is shutting down"
            case .clientGone: "the client disconnected"
            case let .failed(why): "inference failed: \(why)"
            case let .rejected(error): APIError(error).message
            }
        }
    }

    /// True for failures of ours rather than the client's or the load's: they are logged with their cause.
    var isServerFault: Bool {
        switch self {
        case .internalError, .modelFailure, .batch(.failed): true
        case let .batch(.rejected(error)): !error.isClientError
        default: false
        }
    }

    /// The error envelope, with `Retry-After` on a 429.
    func response(requestID: String) -> HTTPResponse {
        var response = HTTPResponse.error(status, message: message, type: errorType, requestID: requestID)
        if case let .batch(.queueFull(_, retry)) = self {
            response.headers.add(name: "Retry-After", value: String(retry))
        }
        return response
    }
}
