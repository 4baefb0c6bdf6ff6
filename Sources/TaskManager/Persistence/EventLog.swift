import Foundation

/// The event log (`EventLogSchema`, `LiveEventsSchema`): appended to inside the transaction of the
/// change, read by reader (`EventLog+Reading`), trimmed by the retention job.
struct EventLog: Sendable {
    let database: AppDatabase

    /// How long the log keeps an event: the contract's "at least 7 days".
    static let retention: TimeInterval = 7 * 24 * 3600

    /// The PostgreSQL channel a commit that wrote events notifies, waking every process's streams.
    static let channel = "taskmanager_events"

    /// Records a change to a task inside the caller's transaction, in commit order: on PostgreSQL
    /// the counter's row, updated here, stays locked until that transaction ends; SQLite runs one
    /// write at a time, and numbers the row itself as the largest id plus one (`id` is its rowid,
    /// `TaskCreatedEventSchema`). `task.created` is written by the trigger of that migration.
    static func appendTask(
        _ kind: ListEvent.Kind, _ task: TaskItem?, taskID: String, listID: String, fromListID: String? = nil, actor: String, at: Date,
        on sql: SQLConnection
    ) async throws {
        let values: SQLStatement = """
            \(bind: listID), \(bind: kind.rawValue), \(bind: Microseconds.from(at)), \(bind: actor), \(bind: fromListID),
            \(bind: Self.taskData(task, id: taskID))
            """
        switch sql.dialect {
        case .sqlite:
            try await sql.execute("INSERT INTO events (list_id, type, at, actor_id, from_list_id, data) VALUES (\(values))")
        case .postgres:
            try await sql.execute(
                """
                WITH next AS (UPDATE event_counter SET last_id = last_id + 1 WHERE singleton = 1 RETURNING last_id),
                inserted AS (INSERT INTO events (id, list_id, type, at, actor_id, from_list_id, data) SELECT next.last_id, \(values) FROM next RETURNING id)
                SELECT pg_notify('\(unsafeRaw: channel)', '') FROM inserted
                """)
        }
        sql.noteEventAppended()
    }

    /// Records a change to a list, its members or its invitations; `recipient` addresses it to
    /// that user alone. Returns its id.
    @discardableResult
    static func append(
        _ kind: ListEvent.Kind, _ subject: ListEvent.Subject, listID: String, recipient: String? = nil, actor: String, at: Date,
        on sql: SQLConnection
    ) async throws -> Int64 {
        let values: SQLStatement = """
            \(bind: listID), \(bind: kind.rawValue), \(bind: Microseconds.from(at)), \(bind: actor), \(bind: recipient),
            \(bind: StoredSubject.json(subject))
            """
        let id: Int64?
        switch sql.dialect {
        case .sqlite:
            id = try await sql.first(
                "INSERT INTO events (list_id, type, at, actor_id, recipient_id, data) VALUES (\(values)) RETURNING id", { try $0.int64(0) })
        case .postgres:
            id = try await sql.first(
                """
                WITH next AS (UPDATE event_counter SET last_id = last_id + 1 WHERE singleton = 1 RETURNING last_id),
                inserted AS (INSERT INTO events (id, list_id, type, at, actor_id, recipient_id, data) SELECT next.last_id, \(values) FROM next RETURNING id)
                SELECT id, pg_notify('\(unsafeRaw: channel)', '') FROM inserted
                """, { try $0.int64(0) })
        }
        sql.noteEventAppended()
        guard let id else { throw AppDatabase.Failure.unavailable("the event log took no event") }
        return id
    }

    /// The task as the log keeps it (or its id alone), written by hand: `JSONEncoder` cost every
    /// write more than the insert.
    static func taskData(_ task: TaskItem?, id: String) -> String {
        var json = JSONWriter(capacity: 320)
        json.raw("{")
        json.key("id", first: true)
        json.string(id)
        if let task {
            json.key("list_id")
            json.string(task.listID)
            json.key("created_by")
            json.string(task.createdBy)
            json.key("title")
            json.string(task.title)
            json.key("description")
            json.string(task.description)
            json.key("done")
            json.bool(task.done)
            json.key("priority")
            json.string(task.priority.rawValue)
            json.key("due_date")
            json.string(task.dueDate)
            json.key("created_at")
            json.string(String(Microseconds.from(task.createdAt)))
            json.key("updated_at")
            json.string(String(Microseconds.from(task.updatedAt)))
        }
        json.raw("}")
        return String(decoding: json.bytes, as: UTF8.self)
    }

    /// Where the log stands: the largest id the retention job removed, and the largest id taken.
    /// An id between them names a kept event (or one its reader may not see); one below the
    /// first is older than the log; one above the second is no event's.
    func bounds() async throws -> (purgedThrough: Int64, last: Int64) {
        try await database.read { sql in
            let query: SQLStatement =
                switch sql.dialect {
                case .sqlite: "SELECT purged_through, (SELECT COALESCE(MAX(id), 0) FROM events) FROM event_counter"
                case .postgres: "SELECT purged_through, last_id FROM event_counter"
                }
            return try await sql.first(query) { (try $0.int64(0), try $0.int64(1)) } ?? (0, 0)
        }
    }

    /// Removes the events older than `retention`, but never the newest (SQLite numbers the next
    /// as the largest plus one), and records the largest id removed. Returns how many went.
    func purge(now: Date) async throws -> Int {
        let cutoff = Microseconds.from(now.addingTimeInterval(-Self.retention))
        return try await database.write { sql in
            let removed = try await sql.all(
                """
                DELETE FROM events WHERE at < \(bind: cutoff) AND id < (SELECT MAX(id) FROM events) RETURNING id
                """, { try $0.int64(0) })
            if let largest = removed.max() {
                try await sql.execute(
                    """
                    UPDATE event_counter SET purged_through = \(bind: largest) WHERE singleton = 1 AND purged_through < \(bind: largest)
                    """)
            }
            return removed.count
        }
    }
}
