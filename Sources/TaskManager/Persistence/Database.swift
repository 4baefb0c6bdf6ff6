import Logging
import SQLKit
import Synchronization

/// The application's database: every repository reads and writes through `read` and `write`, in
/// SQL that both engines run. What differs between SQLite and PostgreSQL (connections, how a
/// transaction starts, how one is made exclusive, which errors mean what) lives in the two engines.
final class Database: Sendable {
    enum Failure: Error, Equatable {
        /// The database cannot be reached or used now (503).
        case unavailable(String)
        /// A unique constraint refused a row.
        case uniqueViolation
    }

    private enum Engine {
        case sqlite(SQLiteEngine)
        case postgres(PostgresEngine)
    }

    private let engine: Engine
    let logger: Logger

    private init(engine: Engine, logger: Logger) {
        self.engine = engine
        self.logger = logger
    }

    static func open(
        _ url: DatabaseURL, readerCount: Int = 2, pool: DatabasePool = DatabasePool(), logger: Logger
    ) async throws -> Database {
        switch url {
        case .sqliteMemory:
            let engine = try await SQLiteEngine.open(memory: true, path: "", readerCount: readerCount, logger: logger)
            return Database(engine: .sqlite(engine), logger: logger)
        case .sqliteFile(let path):
            let engine = try await SQLiteEngine.open(memory: false, path: path, readerCount: readerCount, logger: logger)
            return Database(engine: .sqlite(engine), logger: logger)
        case .postgres(let target):
            let engine = try await PostgresEngine.open(target, pool: pool, logger: logger)
            return Database(engine: .postgres(engine), logger: logger)
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
    func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch engine {
        case .sqlite(let engine): try await engine.read(body)
        case .postgres(let engine): try await engine.read(body)
        }
    }

    /// Runs `body` in one write transaction, committed when it returns and rolled back when it throws.
    /// Concurrent writers of other processes may interleave (PostgreSQL); make each statement decide
    /// its own race (conditional updates, unique constraints, upserts) or use `exclusiveWrite`.
    func write<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch engine {
        case .sqlite(let engine): try await engine.write(body)
        case .postgres(let engine): try await engine.write(exclusive: true, body)
        }
    }

    /// A write transaction that no other exclusive write runs beside, in any process: for
    /// read-then-write decisions no single statement can make (migrations, the first signing key,
    /// keeping one active admin). SQLite's write transactions already are exclusive.
    func exclusiveWrite<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch engine {
        case .sqlite(let engine): try await engine.write(body)
        case .postgres(let engine): try await engine.write(exclusive: true, body)
        }
    }

    /// `true` when the database answers a trivial query.
    func ping() async -> Bool {
        switch engine {
        case .sqlite: (try? await read { try await $0.raw("SELECT 1 AS ok").first() }) != nil
        case .postgres(let engine): await engine.ping()
        }
    }

    func close() async {
        switch engine {
        case .sqlite(let engine): await engine.close()
        case .postgres(let engine): await engine.close()
        }
    }
}

/// Runs `body` between `begin` and `COMMIT` on one connection, rolled back when it throws.
func transaction<T: Sendable>(
    on sql: any SQLDatabase, begin: SQLQueryString, _ body: @Sendable (any SQLDatabase) async throws -> T
) async throws -> T {
    try await sql.raw(begin).run()
    do {
        let result = try await body(sql)
        try await sql.raw("COMMIT").run()
        return result
    } catch {
        try? await sql.raw("ROLLBACK").run()
        throw error
    }
}

/// PostgreSQL connection-pool settings (SQLite keeps its fixed writer and readers).
struct DatabasePool: Sendable, Equatable {
    /// Most connections one process opens.
    var size = 10
    /// Longest wait for a connection (and for connecting) before a request gets 503.
    var timeout: Duration = .seconds(3)
}

/// A lock-free round-robin counter for picking reader connections.
final class RoundRobin: Sendable {
    private let value = Atomic<Int>(0)
    func next() -> Int { value.wrappingAdd(1, ordering: .relaxed).newValue & Int.max }
}
