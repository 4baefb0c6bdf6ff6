import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit

/// SQLite: one writer connection, whose transactions are serialised by a lock (so writers never see
/// SQLITE_BUSY from each other), and a few reader connections that WAL lets run beside it. The
/// connections run their statements on their own thread pool, apart from the bcrypt pool.
final class SQLiteEngine: Sendable {
    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let writeLock = AsyncLock()
    private let threadPool: NIOThreadPool
    private let nextReader = RoundRobin()

    /// Open connections (the writer and the readers; one for an in-memory database).
    var connectionCount: Int { Set((readers + [writer]).map(ObjectIdentifier.init)).count }

    private init(writer: SQLiteConnection, readers: [SQLiteConnection], threadPool: NIOThreadPool) {
        self.writer = writer
        self.readers = readers
        self.threadPool = threadPool
    }

    static func open(memory: Bool, path: String, readerCount: Int, logger: Logger) async throws -> SQLiteEngine {
        let pool = NIOThreadPool(numberOfThreads: readerCount + 1)
        pool.start()
        let eventLoop = MultiThreadedEventLoopGroup.singleton.any()
        do {
            if memory {
                // An in-memory database lives in one connection, so it serves reads too.
                let connection = try await SQLiteConnection.open(
                    storage: .memory, threadPool: pool, logger: logger, on: eventLoop)
                try await configure(connection)
                return SQLiteEngine(writer: connection, readers: [connection], threadPool: pool)
            }
            let writer = try await SQLiteConnection.open(
                storage: .file(path: path), threadPool: pool, logger: logger, on: eventLoop)
            try await configure(writer)
            // WAL: readers never block the writer and see only committed data. It is kept in the file.
            _ = try await writer.sql().raw("PRAGMA journal_mode = WAL").all()
            var readers: [SQLiteConnection] = []
            for _ in 0..<readerCount {
                let reader = try await SQLiteConnection.open(
                    storage: .file(path: path), threadPool: pool, logger: logger, on: eventLoop)
                try await configure(reader)
                readers.append(reader)
            }
            return SQLiteEngine(writer: writer, readers: readers, threadPool: pool)
        } catch {
            try? await pool.shutdownGracefully()
            throw Database.Failure.unavailable("cannot open the database: \(error)")
        }
    }

    private static func configure(_ connection: SQLiteConnection) async throws {
        let sql = connection.sql()
        // NORMAL in WAL mode: a committed transaction survives a crash of this process (kill -9);
        // only an operating-system crash or power cut can lose the last few.
        _ = try await sql.raw("PRAGMA synchronous = NORMAL").all()
        _ = try await sql.raw("PRAGMA foreign_keys = ON").all()
    }

    func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let connection = readers[nextReader.next() % readers.count]
        return try await Self.mapErrors { try await body(connection.sql(queryLogLevel: nil)) }
    }

    /// `BEGIN IMMEDIATE` takes SQLite's one write lock at once, so every write transaction is
    /// already exclusive, also against other processes on the file.
    func write<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let connection = writer
        return try await Self.mapErrors {
            try await writeLock.withLock {
                // No query logging: statements carry secrets (the generated signing key) as binds.
                try await transaction(on: connection.sql(queryLogLevel: nil), begin: "BEGIN IMMEDIATE", body)
            }
        }
    }

    func close() async {
        var closed = Set<ObjectIdentifier>()
        for connection in readers + [writer] where closed.insert(ObjectIdentifier(connection)).inserted {
            try? await connection.close()
        }
        try? await threadPool.shutdownGracefully()
    }

    private static func mapErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SQLiteError {
            switch error.reason {
            case .constraintUniqueFailed, .constraintPrimaryKeyFailed:
                throw Database.Failure.uniqueViolation
            case .constraint, .constraintCheckFailed, .constraintForeignKeyFailed, .constraintNotNullFailed:
                throw error
            default:
                throw Database.Failure.unavailable(error.description)
            }
        }
    }
}
