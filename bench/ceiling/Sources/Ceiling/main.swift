import Hummingbird

// `ceiling --port N`: GET /health answers "ok", as plainly as Hummingbird can.
let arguments = CommandLine.arguments
let port = arguments.firstIndex(of: "--port").flatMap { arguments.index(after: $0) < arguments.endIndex ? Int(arguments[$0 + 1]) : nil } ?? 8080
let router = Router()
router.get("/health") { _, _ in "ok" }
router.get("/healthz") { _, _ in "ok" }  // bench/run waits for /healthz before it measures
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
