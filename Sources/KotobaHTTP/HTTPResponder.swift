/// Answers requests asynchronously: call `reply` exactly once, from any thread, when the response is ready.
///
/// `respond` runs on an event loop, so it must not block: hand long work (inference) to another queue.
/// The server puts no deadline on the responder (the service owns request timeouts): a request that is
/// never answered holds its connection until the client leaves or `shutdown`'s deadline passes.
package protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest, context: RequestContext,
                 reply: @escaping @Sendable (HTTPResponse) -> Void)

    /// The route pattern that will handle `request`, for metrics labels; nil when none does.
    func routePattern(for request: HTTPRequest) -> String?
}

extension HTTPResponder {
    package func routePattern(for request: HTTPRequest) -> String? { nil }
}
