import KotobaHTTP

/// `GET /openapi.json`: the committed document (docs/openapi.json), embedded by scripts/embed-openapi.sh.
enum OpenAPIRoute {
    static let body = Array(OpenAPIDocument.json.utf8)

    static func register(into router: inout RouteTable) {
        router.register(.get, "/openapi.json") { _, _, _, reply in
            reply(.json(.ok, body: body))
        }
    }
}
