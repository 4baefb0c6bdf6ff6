import Foundation
import Logging
import ServiceLifecycle

/// Keeps what only grows bounded: once an hour (the first a minute after start, when the
/// migrations have run), every process removes the events older than the log keeps
/// (`EventLog.retention`), the sessions that ended that long ago, and the clients anyone registered
/// (`POST /register`) that were not used for 30 days and have no live session. Removing twice is harmless,
/// so processes sharing a database need not agree who does it.
struct RetentionJob: Service {
    static let interval: Duration = .seconds(3600)
    static let firstRun: Duration = .seconds(60)
    /// How long a client registered by anyone may go unused before it is removed.
    static let unusedClientAge: TimeInterval = 30 * 24 * 3600

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
            let clients = try await ClientRepository(database: database).removeUnused(before: now.addingTimeInterval(-Self.unusedClientAge), now: now)
            if events + sessions + clients > 0 {
                logger.info(
                    "retention: removed old rows", metadata: ["events": "\(events)", "sessions": "\(sessions)", "clients": "\(clients)"])
            }
        } catch {
            logger.warning("retention: cannot trim", metadata: ["error": "\(error)"])
        }
    }
}
