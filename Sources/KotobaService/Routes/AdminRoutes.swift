import KotobaHTTP

/// `POST /admin/reload`: the `SIGHUP` reload for those who cannot send signals (a sidecar, a deploy job).
///
/// Off (404 `not_found`, saying how to turn it on) unless `admin.enabled` is true, and then behind the API keys
/// like every other route when keys are configured. The route exists either way, so other methods get 405 as on
/// every path. The answer waits for the models to load: 200 when everything took effect, 500 when the
/// configuration could not be read or a model failed to load (the body says which; a model that was serving
/// keeps serving its previous version).
enum AdminRoutes {
    static func register(into router: inout RouteTable, _ context: RouteContext) {
        router.register(.post, "/admin/reload") { request, _, _, reply in
            guard let reload = context.reload else {
                reply(.error(.notFound, message: "/admin/reload is off; set admin.enabled to true to serve it",
                             type: HTTPErrorType.notFound, requestID: request.id))
                return
            }
            reload { report in
                reply(.json(report.succeeded ? .ok : .internalServerError, body: WireJSON.encode(ReloadBody(report))))
            }
        }
    }
}
