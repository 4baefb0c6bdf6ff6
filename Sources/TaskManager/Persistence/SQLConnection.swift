import GRDB
import Logging
import PostgresNIO

/// The connection a `AppDatabase.read` or `write` body runs its statements on. SQLite statements run
/// synchronously on the calling thread through GRDB (cached prepared statements, no hop to another
/// thread); PostgreSQL ones on the leased postgres-nio connection.
struct SQLConnection {
    fileprivate enum Target {
        /// `writes`: statements go to GRDB's one writer connection, else to a reader.
        case sqlite(any DatabaseWriter, writes: Bool)
        case postgres(PostgresConnection, Logger)
    }

    private let target: Target
    /// SQLite's writer: where `EventLog` says that the write appended an event.
    private var eventMark: EventMark? = nil

    static func sqlite(_ writer: any DatabaseWriter, writes: Bool, eventMark: EventMark? = nil) -> SQLConnection {
        SQLConnection(target: .sqlite(writer, writes: writes), eventMark: eventMark)
    }

    static func postgres(_ connection: PostgresConnection, logger: Logger) -> SQLConnection {
        SQLConnection(target: .postgres(connection, logger))
    }

    var dialect: SQLDialect {
        switch target {
        case .sqlite: .sqlite
        case .postgres: .postgres
        }
    }

    /// Called by `EventLog` after it appended an event: SQLite's engine rings the bell once the
    /// write commits (PostgreSQL's commit sends the notification itself).
    func noteEventAppended() { eventMark?.set() }

    /// Runs a statement that returns no rows (or whose rows are not wanted).
    func execute(_ sql: SQLStatement) async throws {
        _ = try await all(sql) { _ in () }
    }

    /// Every row of the statement, each decoded by `decode` while it is read.
    func all<T>(_ sql: SQLStatement, _ decode: (SQLRow) throws -> T) async throws -> [T] {
        switch target {
        case .sqlite(let writer, let writes):
            do {
                return try Self.sqliteRows(writer, writes: writes, sql, decode)
            } catch let error as DatabaseError {
                throw SQLiteEngine.failure(error)
            }
        case .postgres(let connection, let logger):
            var bindings = PostgresBindings(capacity: sql.binds.count)
            for value in sql.binds {
                switch value {
                case .text(let text): bindings.append(text)
                case .integer(let integer): bindings.append(integer)
                case .bool(let bool): bindings.append(bool)
                case .null: bindings.appendNull()
                }
            }
            return try await PostgresEngine.mapErrors {
                let rows = try await connection.query(
                    PostgresQuery(unsafeSQL: SQLDialect.postgres.text(of: sql), binds: bindings), logger: logger)
                var results: [T] = []
                for try await row in rows { results.append(try decode(SQLRow(storage: .postgres(row.makeRandomAccess())))) }
                return results
            }
        }
    }

    /// The first row of the statement; the statement still runs to its end.
    func first<T>(_ sql: SQLStatement, _ decode: (SQLRow) throws -> T) async throws -> T? {
        try await all(sql, decode).first
    }

    /// Synchronous on purpose: GRDB runs the statement on this thread when its connection is free,
    /// which for statements of microseconds beats a hop to its queue and back.
    private static func sqliteRows<T>(
        _ writer: any DatabaseWriter, writes: Bool, _ sql: SQLStatement, _ decode: (SQLRow) throws -> T
    ) throws -> [T] {
        let run = { (db: GRDB.Database) throws -> [T] in
            let statement = try db.cachedStatement(sql: SQLDialect.sqlite.text(of: sql))
            let arguments = StatementArguments(sql.binds.map(\.databaseValue))
            let cursor = try Row.fetchCursor(statement, arguments: arguments)
            var results: [T] = []
            while let row = try cursor.next() { results.append(try decode(SQLRow(storage: .sqlite(row)))) }
            return results
        }
        return writes ? try writer.writeWithoutTransaction(run) : try writer.unsafeRead(run)
    }
}

/// One row, read by column index in the order of the statement's column list.
struct SQLRow {
    fileprivate enum Storage {
        case sqlite(Row)
        case postgres(PostgresRandomAccessRow)
    }

    fileprivate let storage: Storage

    func string(_ index: Int) throws -> String { try value(index) }
    func int64(_ index: Int) throws -> Int64 { try value(index) }
    func bool(_ index: Int) throws -> Bool { try value(index) }
    func int(_ index: Int) throws -> Int { Int(try int64(index)) }
    func optionalString(_ index: Int) throws -> String? { try isNull(index) ? nil : try string(index) }
    func optionalInt64(_ index: Int) throws -> Int64? { try isNull(index) ? nil : try int64(index) }

    private func isNull(_ index: Int) throws -> Bool {
        switch storage {
        case .sqlite(let row): return row.hasNull(atIndex: index)
        case .postgres(let row): return row[index].bytes == nil
        }
    }

    private func value<T: DatabaseValueConvertible & StatementColumnConvertible & PostgresDecodable>(_ index: Int) throws -> T {
        switch storage {
        case .sqlite(let row): return try row.decode(T.self, atIndex: index)
        case .postgres(let row): return try row[index].decode(T.self)
        }
    }
}

extension SQLValue {
    fileprivate var databaseValue: DatabaseValue {
        switch self {
        case .text(let text): text.databaseValue
        case .integer(let integer): integer.databaseValue
        case .bool(let bool): bool.databaseValue
        case .null: .null
        }
    }
}
