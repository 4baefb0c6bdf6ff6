import Foundation
import GRDB
import Logging

/// SQLite through GRDB: a GRDB `DatabasePool` in WAL mode (one writer connection, readers beside it that
/// see only committed data), or one `DatabaseQueue` connection for an in-memory database. Statements
/// run synchronously on the calling thread with cached prepared statements. Write transactions are
/// serialised by a lock of ours, so writers never see SQLITE_BUSY from each other and a transaction
/// may span several statements between which its body awaits.
final class SQLiteEngine: Sendable {
    private let writer: any DatabaseWriter
    private let writeLock = AsyncLock()
    let connectionCount: Int
    /// One write at a time: one mark serves them all.
    private let eventMark: EventMark

    private init(writer: any DatabaseWriter, connectionCount: Int, bell: EventBell) {
        self.writer = writer
        self.connectionCount = connectionCount
        self.eventMark = EventMark(bell: bell)
    }

    static func open(memory: Bool, path: String, readerCount: Int, bell: EventBell) throws -> SQLiteEngine {
        var configuration = GRDB.Configuration()
        // Our write transactions span several GRDB calls, under `writeLock`; GRDB would otherwise
        // insist that each call ends the transaction it began.
        configuration.allowsUnsafeTransactions = true
        configuration.maximumReaderCount = max(readerCount, 1)
        // Another process on the same file (`taskmanager user create` beside a server) waits its turn.
        configuration.busyMode = .timeout(5)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            // NORMAL in WAL mode: a committed transaction survives a crash of this process (kill -9);
            // only an operating-system crash or power cut can lose the last few.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            if memory {
                // An in-memory database lives in one connection, so it serves reads too.
                return SQLiteEngine(writer: try DatabaseQueue(configuration: configuration), connectionCount: 1, bell: bell)
            }
            // A pool keeps the file in WAL mode.
            let pool = try GRDB.DatabasePool(path: path, configuration: configuration)
            return SQLiteEngine(writer: pool, connectionCount: 1 + configuration.maximumReaderCount, bell: bell)
        } catch {
            throw AppDatabase.Failure.unavailable("cannot open the SQLite database \(path): \(whyNotOpened(path, error))")
        }
    }

    /// SQLite says "unable to open database file" for a missing folder and a forbidden one alike.
    private static func whyNotOpened(_ path: String, _ error: any Error) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) {
            return "the folder \(folder) does not exist"
        }
        if !folder.isEmpty, !isFolder.boolValue { return "\(folder) is not a folder" }
        guard let error = error as? DatabaseError else { return "\(error)" }
        return "\(error.message ?? "SQLite error") (SQLite error \(error.resultCode.rawValue))"
    }

    func read<T: Sendable>(_ body: (SQLConnection) async throws -> T) async throws -> T {
        try await Self.mapErrors { try await body(.sqlite(writer, writes: false)) }
    }

    func write<T: Sendable>(_ body: (SQLConnection) async throws -> T) async throws -> T {
        let connection = SQLConnection.sqlite(writer, writes: true, eventMark: eventMark)
        return try await Self.mapErrors {
            try await writeLock.withLock {
                try await ringingAfterCommit { try await transaction(on: connection, body) }
            }
        }
    }

    /// One write statement on the writer connection, in its own implicit transaction.
    func writeStatement<T: Sendable>(_ body: (SQLConnection) async throws -> T) async throws -> T {
        let connection = SQLConnection.sqlite(writer, writes: true, eventMark: eventMark)
        return try await Self.mapErrors { try await writeLock.withLock { try await ringingAfterCommit { try await body(connection) } } }
    }

    /// `write`, then the bell if it committed an event.
    private func ringingAfterCommit<T>(_ write: () async throws -> T) async throws -> T {
        do {
            let result = try await write()
            eventMark.committed()
            return result
        } catch {
            eventMark.rolledBack()
            throw error
        }
    }

    func close() {
        try? writer.close()
    }

    private static func mapErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DatabaseError {
            throw failure(error)
        }
    }

    /// What a GRDB error means to the application. Also applied to each statement
    /// (`SQLConnection`), so that a repository can catch a constraint's failure inside its
    /// transaction and answer for it.
    static func failure(_ error: DatabaseError) -> any Error {
        switch error.extendedResultCode {
        case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY:
            return AppDatabase.Failure.uniqueViolation
        case .SQLITE_CONSTRAINT_FOREIGNKEY:
            return AppDatabase.Failure.foreignKeyViolation
        default:
            // Other constraint failures are our bugs, not the database's state.
            if error.resultCode == .SQLITE_CONSTRAINT { return error }
            return AppDatabase.Failure.unavailable(error.description)
        }
    }
}
