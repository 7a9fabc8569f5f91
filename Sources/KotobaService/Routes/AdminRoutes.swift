import KotobaHTTP

/// `POST /admin/reload`: the `SIGHUP` reload for those who cannot send signals (a sidecar, a deploy job).
///
/// Served only when `admin.enabled` is true, and then behind the API keys like every other route when keys
/// are configured. The answer waits for the models to load: 200 when everything took effect, 500 when the
/// configuration could not be read or a model failed to load (the body says which; a model that was serving
/// keeps serving its previous version).
enum AdminRoutes {
    static func register(into router: inout RouteTable, _ context: RouteContext) {
        guard let reload = context.reload else { return }
        router.register(.post, "/admin/reload") { _, _, _, reply in
            reload { report in
                reply(.json(report.succeeded ? .ok : .internalServerError, body: WireJSON.encode(ReloadBody(report))))
            }
        }
    }
}
