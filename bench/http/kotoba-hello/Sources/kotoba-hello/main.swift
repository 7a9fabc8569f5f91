import Dispatch
import Foundation
import KotobaHTTP

// GET /livez → 200 "ok" through the same Router and server the service uses.
// Usage: kotoba-hello PORT [CERT.pem KEY.pem]; with the two files it serves HTTPS only.
let arguments = Array(CommandLine.arguments.dropFirst())
let port = arguments.first.flatMap { Int($0) } ?? 18080
var router = Router()
router.register(.get, "/livez") { _, _, _, reply in reply(.text(.ok, "ok")) }
var tls: TLSContext?
if arguments.count >= 3 {
    do {
        tls = try TLSContext(.init(certificateFile: arguments[1], keyFile: arguments[2]))
    } catch {
        FileHandle.standardError.write(Data("kotoba-hello: \(error)\n".utf8))
        exit(1)
    }
}
let server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: port, maxConnections: 20_000),
                        responder: router, tls: tls)
do {
    try server.start()
} catch {
    FileHandle.standardError.write(Data("kotoba-hello: \(error)\n".utf8))
    exit(1)
}
dispatchMain()
