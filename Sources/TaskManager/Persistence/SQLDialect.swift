/// Everything the two engines' SQL differs in. The repositories' statements are the same text on
/// both; only placeholders, how a write transaction begins and how one is made exclusive differ.
enum SQLDialect: Sendable {
    case sqlite, postgres

    /// The statement's text with this engine's placeholders.
    func text(of sql: SQLStatement) -> String {
        switch self {
        case .sqlite:
            return sql.parts.joined(separator: "?")
        case .postgres:
            var text = sql.parts[0]
            for (index, part) in sql.parts.dropFirst().enumerated() {
                text += "$\(index + 1)"
                text += part
            }
            return text
        }
    }

    /// SQLite: `IMMEDIATE` takes the file's one write lock at once, so a write transaction never
    /// fails half-way on another process's lock; every SQLite write is therefore exclusive.
    var beginWrite: SQLStatement {
        switch self {
        case .sqlite: "BEGIN IMMEDIATE"
        case .postgres: "BEGIN"
        }
    }

    /// What an exclusive write runs first: PostgreSQL takes a transaction-scoped advisory lock, held
    /// until COMMIT or ROLLBACK by whichever process's transaction got it first.
    var exclusiveLock: SQLStatement? {
        switch self {
        case .sqlite: nil
        case .postgres: "SELECT pg_advisory_xact_lock(\(bind: Self.exclusiveLockKey))"
        }
    }

    /// What a `SELECT` inside a write transaction ends with to lock the rows it reads until the
    /// transaction ends: PostgreSQL's `FOR UPDATE`; SQLite's writes are one at a time already.
    var lockingRead: String {
        switch self {
        case .sqlite: ""
        case .postgres: " FOR UPDATE"
        }
    }

    /// The advisory-lock key of TaskManager's exclusive writes (migrations, the first signing key,
    /// the last-admin checks): an arbitrary constant, "TaskMgr1" in ASCII.
    static let exclusiveLockKey: Int64 = 0x5461_736B_4D67_7231
}
