import KotobaHTTP

/// `GET /`: the playground, one self-contained page (HTML, CSS and script embedded; nothing from a CDN) with a
/// tab per task the server has models for. It asks `/v1/models` and `/readyz` itself, and sends the API key the
/// user types (kept in the page only) as `Authorization: Bearer`.
enum PlaygroundRoute {
    static let body = Array(PlaygroundPage.html.utf8)

    static func register(into router: inout RouteTable) {
        router.register(.get, "/") { _, _, _, reply in
            var response = HTTPResponse(status: .ok, body: body)
            response.headers.add(name: "Content-Type", value: "text/html; charset=utf-8")
            // Only this page's own inline code and this server: no third-party script can read the key field.
            response.headers.add(name: "Content-Security-Policy",
                                 value: "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                                     + "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'")
            response.headers.add(name: "Cache-Control", value: "no-cache")
            reply(response)
        }
    }
}
