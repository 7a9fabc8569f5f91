import Hummingbird
import Logging

// GET /livez → 200 "ok", like kotoba-hello; request logging off so neither side pays for it.
let port = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 18081
var logger = Logger(label: "hb-hello")
logger.logLevel = .error
let router = Router()
router.get("/livez") { _, _ in "ok" }
let app = Application(router: router,
                      configuration: .init(address: .hostname("127.0.0.1", port: port)),
                      logger: logger)
try await app.runService()
