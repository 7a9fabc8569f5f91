/// One answered request, for the access log and metrics: emitted once per response written (server errors
/// and 503 sheds included; a write cut short reports the bytes that went out). A request whose client reset
/// the connection before the reply is not recorded: nothing was answered.
public struct RequestRecord: Sendable {
    /// "-" when the request line could not be parsed.
    public var method: HTTPMethod
    /// "-" when the request line could not be parsed.
    public var path: String
    /// The router pattern that matched (e.g. "/v1/models/{name}"), nil for 404s and server-level errors.
    public var route: String?
    public var status: Int
    /// Bytes of head and body as received on the wire.
    public var requestBytes: Int
    /// Bytes of head and body written.
    public var responseBytes: Int
    /// Seconds from the first byte of the request to the last byte of the response.
    public var duration: Double
    public var requestID: String
    public var remoteAddress: String

    public init(method: HTTPMethod, path: String, route: String?, status: Int, requestBytes: Int,
                responseBytes: Int, duration: Double, requestID: String, remoteAddress: String) {
        self.method = method
        self.path = path
        self.route = route
        self.status = status
        self.requestBytes = requestBytes
        self.responseBytes = responseBytes
        self.duration = duration
        self.requestID = requestID
        self.remoteAddress = remoteAddress
    }
}
