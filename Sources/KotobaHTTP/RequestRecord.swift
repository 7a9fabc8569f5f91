/// One answered request, for the access log and metrics: emitted once per response written (server errors
/// and 503 sheds included; a write cut short reports the bytes that went out). A request whose client reset
/// the connection before the reply is not recorded: nothing was answered.
package struct RequestRecord: Sendable {
    /// "-" when the request line could not be parsed.
    package var method: HTTPMethod
    /// "-" when the request line could not be parsed.
    package var path: String
    /// The router pattern that matched (e.g. "/v1/models/{name}"), nil for 404s and server-level errors.
    package var route: String?
    package var status: Int
    /// Bytes of head and body as received on the wire.
    package var requestBytes: Int
    /// Bytes of head and body written.
    package var responseBytes: Int
    /// Seconds from the first byte of the request to the last byte of the response.
    package var duration: Double
    package var requestID: String
    package var remoteAddress: String
    /// The response's `logFields`.
    package var logFields: [(name: String, value: String)]

    package init(method: HTTPMethod, path: String, route: String?, status: Int, requestBytes: Int,
                responseBytes: Int, duration: Double, requestID: String, remoteAddress: String,
                logFields: [(name: String, value: String)] = []) {
        self.method = method
        self.path = path
        self.route = route
        self.status = status
        self.requestBytes = requestBytes
        self.responseBytes = responseBytes
        self.duration = duration
        self.requestID = requestID
        self.remoteAddress = remoteAddress
        self.logFields = logFields
    }
}
