/// A response from a responder; the server adds Date, Content-Length, X-Request-ID and Connection.
package struct HTTPResponse: Sendable {
    package var status: HTTPStatus
    package var headers: HTTPHeaders
    package var body: [UInt8]
    /// Facts for the request's log line and metrics (`key_id`), never sent to the client.
    package var logFields: [(name: String, value: String)] = []

    package init(status: HTTPStatus, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON body with `Content-Type: application/json`.
    package static func json(_ status: HTTPStatus, body: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: body)
    }

    package static func text(_ status: HTTPStatus, _ text: String,
                            contentType: String = "text/plain; charset=utf-8") -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": contentType], body: Array(text.utf8))
    }

    /// The JSON error envelope shared by the server and the service layer.
    package static func error(_ status: HTTPStatus, message: String, type: String, requestID: String) -> HTTPResponse {
        .json(status, body: HTTPErrorBody.make(message: message, type: type, requestID: requestID))
    }
}
