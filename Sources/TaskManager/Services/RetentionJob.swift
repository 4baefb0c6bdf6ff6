import Foundation
import Logging
import ServiceLifecycle

/// Keeps what only grows bounded: once an hour (the first a minute after start, when the
/// migrations have run), every process removes the events older than the log keeps
/// (`EventLog.retention`) and the sessions that ended that long ago. Removing twice is harmless,
/// so processes sharing a database need not agree who does it.
struct RetentionJob: Service {
    static let interval: Duration = .seconds(3600)
    static let firstRun: Duration = .seconds(60)

    let database: AppDatabase
    let clock: AppClock
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            try await Task.sleep(for: Self.firstRun)
            while true {
                await runOnce()
                try await Task.sleep(for: Self.interval)
            }
        }
    }

    /// One pass; failures are logged and tried again at the next.
    func runOnce() async {
        let now = clock.now()
        do {
            let events = try await EventLog(database: database).purge(now: now)
            let sessions = try await SessionRepository(database: database).purgeEnded(before: now.addingTimeInterval(-EventLog.retention))
            if events + sessions > 0 {
                logger.info("retention: removed old rows", metadata: ["events": "\(events)", "sessions": "\(sessions)"])
            }
        } catch {
            logger.warning("retention: cannot trim", metadata: ["error": "\(error)"])
        }
    }
}
