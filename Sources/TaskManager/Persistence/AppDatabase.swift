import Logging
import ServiceLifecycle

/// The application's database: every repository reads and writes through `read` and `write`, in
/// SQL that both engines run. What differs between SQLite and PostgreSQL (connections, how a
/// transaction starts, how one is made exclusive, which errors mean what) lives in the two engines.
///
/// A service of the application: `run()` keeps PostgreSQL's pool going until graceful shutdown (after
/// the HTTP server has drained, since services stop in reverse order) and then closes the engine.
final class AppDatabase: Service, Sendable {
    enum Failure: Error, Equatable, CustomStringConvertible {
        /// The database cannot be reached or used now (503).
        case unavailable(String)
        /// A unique constraint refused a row.
        case uniqueViolation
        /// A foreign key refused a row: what it names is gone (deleted by another transaction).
        case foreignKeyViolation

        /// A sentence: start-up failures and command-line tools print it as it is.
        var description: String {
            switch self {
            case .unavailable(let reason): reason
            case .uniqueViolation: "a unique constraint refused the row"
            case .foreignKeyViolation: "a row it names is gone"
            }
        }
    }

    private enum Engine {
        case sqlite(SQLiteEngine)
        case postgres(PostgresEngine)
    }

    private let engine: Engine
    /// Session lookups of this process, valid for at most a second (see `SessionCache`).
    let sessionCache = SessionCache()
    /// Rung when events have been committed (`EventHub` listens).
    let eventBell: EventBell

    var isPostgres: Bool {
        if case .postgres = engine { return true }
        return false
    }

    /// Opens SQLite's connections now; PostgreSQL's pool connects once `run()` runs.
    init(_ url: DatabaseURL, readerCount: Int = 2, pool: ConnectionPoolSettings = ConnectionPoolSettings(), logger: Logger) throws {
        let bell = EventBell()
        eventBell = bell
        switch url {
        case .sqliteMemory:
            engine = .sqlite(try SQLiteEngine.open(memory: true, path: "", readerCount: readerCount, bell: bell))
        case .sqliteFile(let path):
            engine = .sqlite(try SQLiteEngine.open(memory: false, path: path, readerCount: readerCount, bell: bell))
        case .postgres(let target):
            engine = .postgres(PostgresEngine(target, pool: pool, logger: logger))
        }
    }

    /// Until graceful shutdown or cancellation; the engine is closed when it returns.
    func run() async {
        switch engine {
        case .sqlite(let engine):
            try? await gracefulShutdown()
            engine.close()
        case .postgres(let engine):
            await engine.run()
        }
    }

    /// For commands and tests: `body` with the database running, closed afterwards.
    static func withRunning<T: Sendable>(
        _ url: DatabaseURL, readerCount: Int = 2, pool: ConnectionPoolSettings = ConnectionPoolSettings(), logger: Logger,
        _ body: (AppDatabase) async throws -> T
    ) async throws -> T {
        let database = try AppDatabase(url, readerCount: readerCount, pool: pool, logger: logger)
        return try await database.whileRunning { try await body(database) }
    }

    /// `body` with `run()` beside it in a child task, cancelled (which closes the engine) when `body` ends.
    func whileRunning<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { await self.run(); return nil }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    /// Fails with `unavailable` naming the server when it cannot be reached, so that a wrong URL
    /// stops the start with one clear line.
    func checkReachable() async throws {
        switch engine {
        case .sqlite: return
        case .postgres(let engine): try await engine.checkReachable()
        }
    }

    /// SQLite: open connections (the writer and the readers). PostgreSQL: connections in use.
    var connectionCount: Int {
        switch engine {
        case .sqlite(let engine): engine.connectionCount
        case .postgres(let engine): engine.connectionCount
        }
    }

    /// Runs `body` outside a transaction. Use it for single statements that only read.
    func read<T: Sendable>(_ body: @Sendable (SQLConnection) async throws -> T) async throws -> T {
        switch engine {
        case .sqlite(let engine): try await engine.read(body)
        case .postgres(let engine): try await engine.read(body)
        }
    }

    /// Runs `body` in one write transaction, committed when it returns and rolled back when it throws.
    /// Concurrent writers of other processes may interleave (PostgreSQL); make each statement decide
    /// its own race (conditional updates, unique constraints, upserts) or use `exclusiveWrite`.
    func write<T: Sendable>(_ body: @Sendable (SQLConnection) async throws -> T) async throws -> T {
        switch engine {
        case .sqlite(let engine): try await engine.write(body)
        case .postgres(let engine): try await engine.write(exclusive: false, body)
        }
    }

    /// Runs `body`, which makes one write statement, without BEGIN and COMMIT around it: a statement
    /// is atomic by itself, with its triggers and foreign-key actions. Two statements fewer for the
    /// hottest write (a new task in the caller's default list).
    func writeStatement<T: Sendable>(_ body: @Sendable (SQLConnection) async throws -> T) async throws -> T {
        switch engine {
        case .sqlite(let engine): try await engine.writeStatement(body)
        case .postgres(let engine): try await engine.read(body)
        }
    }

    /// A write transaction that no other exclusive write runs beside, in any process: for
    /// read-then-write decisions no single statement can make (migrations, the first signing key,
    /// keeping one active admin). SQLite's write transactions already are exclusive.
    func exclusiveWrite<T: Sendable>(_ body: @Sendable (SQLConnection) async throws -> T) async throws -> T {
        switch engine {
        case .sqlite(let engine): try await engine.write(body)
        case .postgres(let engine): try await engine.write(exclusive: true, body)
        }
    }

    /// PostgreSQL: rings `eventBell` for every notification of a commit that wrote events, from
    /// this process or another, until cancelled or the connection fails (thrown); `listening` once
    /// in place. SQLite: returns at once, its engine rings the bell itself.
    func listenForEvents(listening: @Sendable () -> Void) async throws {
        guard case .postgres(let engine) = engine else { return }
        let bell = eventBell
        try await engine.listen(on: EventLog.channel, listening: listening, heard: { bell.ring() })
    }

    /// `true` when the database answers a trivial query.
    func ping() async -> Bool {
        switch engine {
        case .sqlite: (try? await read { try await $0.first("SELECT 1") { try $0.int64(0) } }) != nil
        case .postgres(let engine): await engine.ping()
        }
    }

}

/// Runs `body` between the dialect's `BEGIN` and `COMMIT` on one connection, rolled back when it
/// throws; `exclusive` takes the dialect's cross-process lock first.
func transaction<T: Sendable>(
    on connection: SQLConnection, exclusive: Bool = false, _ body: (SQLConnection) async throws -> T
) async throws -> T {
    try await connection.execute(connection.dialect.beginWrite)
    do {
        if exclusive, let lock = connection.dialect.exclusiveLock { try await connection.execute(lock) }
        let result = try await body(connection)
        try await connection.execute("COMMIT")
        return result
    } catch {
        try? await connection.execute("ROLLBACK")
        throw error
    }
}
