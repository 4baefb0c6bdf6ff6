import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import Synchronization

/// The application's database: every repository reads and writes through `read` and `write`.
///
/// SQLite: one writer connection, whose transactions are serialised by a lock (so writers never see
/// SQLITE_BUSY from each other), and a few reader connections that WAL lets run beside it. The
/// connections run their statements on their own thread pool, apart from the bcrypt pool.
final class Database: Sendable {
    enum Failure: Error, Equatable {
        /// The database cannot be reached or used now (503).
        case unavailable(String)
        /// A unique constraint refused a row.
        case uniqueViolation
    }

    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let writeLock = AsyncLock()
    private let threadPool: NIOThreadPool
    private let nextReader = RoundRobin()
    let logger: Logger

    /// Open connections (the writer and the readers; one for an in-memory database).
    var connectionCount: Int { Set((readers + [writer]).map(ObjectIdentifier.init)).count }

    private init(writer: SQLiteConnection, readers: [SQLiteConnection], threadPool: NIOThreadPool, logger: Logger) {
        self.writer = writer
        self.readers = readers
        self.threadPool = threadPool
        self.logger = logger
    }

    static func open(_ url: DatabaseURL, readerCount: Int = 2, logger: Logger) async throws -> Database {
        let pool = NIOThreadPool(numberOfThreads: readerCount + 1)
        pool.start()
        let eventLoop = MultiThreadedEventLoopGroup.singleton.any()
        do {
            switch url {
            case .sqliteMemory:
                // An in-memory database lives in one connection, so it serves reads too.
                let connection = try await SQLiteConnection.open(
                    storage: .memory, threadPool: pool, logger: logger, on: eventLoop)
                try await configure(connection, logger: logger)
                return Database(writer: connection, readers: [connection], threadPool: pool, logger: logger)
            case .sqliteFile(let path):
                let writer = try await SQLiteConnection.open(
                    storage: .file(path: path), threadPool: pool, logger: logger, on: eventLoop)
                try await configure(writer, logger: logger)
                // WAL: readers never block the writer and see only committed data. It is kept in the file.
                _ = try await writer.sql().raw("PRAGMA journal_mode = WAL").all()
                var readers: [SQLiteConnection] = []
                for _ in 0..<readerCount {
                    let reader = try await SQLiteConnection.open(
                        storage: .file(path: path), threadPool: pool, logger: logger, on: eventLoop)
                    try await configure(reader, logger: logger)
                    readers.append(reader)
                }
                return Database(writer: writer, readers: readers, threadPool: pool, logger: logger)
            }
        } catch {
            try? await pool.shutdownGracefully()
            throw Failure.unavailable("cannot open the database: \(error)")
        }
    }

    private static func configure(_ connection: SQLiteConnection, logger: Logger) async throws {
        let sql = connection.sql()
        // NORMAL in WAL mode: a committed transaction survives a crash of this process (kill -9);
        // only an operating-system crash or power cut can lose the last few.
        _ = try await sql.raw("PRAGMA synchronous = NORMAL").all()
        _ = try await sql.raw("PRAGMA foreign_keys = ON").all()
    }

    /// Runs `body` on a reader connection. Use it for single statements that only read.
    func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let connection = readers[nextReader.next() % readers.count]
        return try await Self.mapErrors { try await body(connection.sql(queryLogLevel: nil)) }
    }

    /// Runs `body` in one write transaction (`BEGIN IMMEDIATE`), committed when it returns and
    /// rolled back when it throws.
    func write<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let connection = writer
        return try await Self.mapErrors {
            try await writeLock.withLock {
                // No query logging: statements carry secrets (the generated signing key) as binds.
                let sql = connection.sql(queryLogLevel: nil)
                try await sql.raw("BEGIN IMMEDIATE").run()
                do {
                    let result = try await body(sql)
                    try await sql.raw("COMMIT").run()
                    return result
                } catch {
                    try? await sql.raw("ROLLBACK").run()
                    throw error
                }
            }
        }
    }

    /// `true` when the database answers a trivial query.
    func ping() async -> Bool {
        (try? await read { try await $0.raw("SELECT 1 AS ok").first() }) != nil
    }

    func close() async {
        var closed = Set<ObjectIdentifier>()
        for connection in readers + [writer] where closed.insert(ObjectIdentifier(connection)).inserted {
            try? await connection.close()
        }
        try? await threadPool.shutdownGracefully()
    }

    /// Engine errors become the two failures the rest of the application can act on.
    private static func mapErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SQLiteError {
            switch error.reason {
            case .constraintUniqueFailed, .constraintPrimaryKeyFailed:
                throw Failure.uniqueViolation
            case .constraint, .constraintCheckFailed, .constraintForeignKeyFailed, .constraintNotNullFailed:
                throw error
            default:
                throw Failure.unavailable(error.description)
            }
        }
    }
}

/// A lock-free round-robin counter for picking reader connections.
final class RoundRobin: Sendable {
    private let value = Atomic<Int>(0)
    func next() -> Int { value.wrappingAdd(1, ordering: .relaxed).newValue & Int.max }
}
