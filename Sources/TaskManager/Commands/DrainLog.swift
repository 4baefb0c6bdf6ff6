import Logging
import ServiceLifecycle
import Synchronization

/// The two log lines of a graceful shutdown. A service after the application in `serve`'s group,
/// so that it hears SIGTERM/SIGINT first (a group stops its services in reverse order) and says the
/// drain begins before the server starts it; `ended()` says how it went once everything has stopped.
final class DrainLog: Service, Sendable {
    private let requests: RequestTally
    private let timeout: Int
    private let logger: Logger
    private let start = Mutex<(finished: Int, at: ContinuousClock.Instant)?>(nil)

    init(requests: RequestTally, timeout: Int, logger: Logger) {
        self.requests = requests
        self.timeout = timeout
        self.logger = logger
    }

    func run() async {
        // Cancelled instead (a start that failed): no drain to report.
        guard (try? await gracefulShutdown()) != nil else { return }
        start.withLock { $0 = (requests.finished, .now) }
        let inFlight = requests.inFlight
        logger.notice(
            "shutting down: new connections are refused; \(inFlight) request\(inFlight == 1 ? "" : "s") in flight may take up to \(timeout) s")
    }

    func ended() {
        guard let start = start.withLock({ $0 }) else { return }
        let finished = requests.finished - start.finished
        let took = (ContinuousClock.now - start.at).millisecondsText
        logger.notice(
            "shut down: \(finished) request\(finished == 1 ? "" : "s") finished during the drain, which took \(took) ms; the database is closed")
    }
}
