import Dispatch
import Foundation
import KotobaHTTP

// GET /livez → 200 "ok" through the same Router and server the service uses.
let port = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 18080
var router = Router()
router.register(.get, "/livez") { _, _, _, reply in reply(.text(.ok, "ok")) }
let server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: port, maxConnections: 20_000),
                        responder: router)
do {
    try server.start()
} catch {
    FileHandle.standardError.write(Data("kotoba-hello: \(error)\n".utf8))
    exit(1)
}
dispatchMain()
