import Foundation

/// The event log (`EventLogSchema`): appended to inside the transaction of the change, read by list.
struct EventLog: Sendable {
    let database: AppDatabase

    /// Records a change to a task inside the caller's transaction, in commit order: on PostgreSQL
    /// the counter's row, updated here, stays locked until that transaction ends; SQLite runs one
    /// write at a time, so the next id is the largest plus one, in the insert itself (one
    /// statement fewer on every write).
    static func appendTask(
        _ kind: ListEvent.Kind, _ task: TaskItem?, taskID: String, listID: String, fromListID: String? = nil, actor: String, at: Date,
        on sql: SQLConnection
    ) async throws {
        let values: SQLStatement = """
            \(bind: listID), \(bind: kind.rawValue), \(bind: Microseconds.from(at)), \(bind: actor), \(bind: fromListID),
            \(bind: Self.data(task, id: taskID))
            """
        switch sql.dialect {
        case .sqlite:
            try await sql.execute(
                "INSERT INTO events (id, list_id, type, at, actor_id, from_list_id, data) SELECT COALESCE(MAX(id), 0) + 1, \(values) FROM events")
        case .postgres:
            try await sql.execute(
                """
                WITH next AS (UPDATE event_counter SET last_id = last_id + 1 WHERE singleton = 1 RETURNING last_id)
                INSERT INTO events (id, list_id, type, at, actor_id, from_list_id, data) SELECT next.last_id, \(values) FROM next
                """)
        }
    }

    /// The task as the log keeps it (or its id alone), written by hand: `JSONEncoder` cost every
    /// write more than the insert.
    private static func data(_ task: TaskItem?, id: String) -> String {
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

    /// The list's events, newest first, before `cursor` (an event id): for any member. A task
    /// moved out of the list is in its history too, as the id alone.
    func activity(listID: String, caller: String, before cursor: Int64?, limit: Int) async throws -> (items: [ListEvent], next: Int64?) {
        var query: SQLStatement = """
            SELECT e.id, e.type, e.at, e.list_id, e.from_list_id, e.actor_id, u.username, e.data
            FROM events e LEFT JOIN users u ON u.id = e.actor_id
            WHERE (e.list_id = \(bind: listID) OR e.from_list_id = \(bind: listID))
            AND \(ListAccess.guarded(caller: caller, atLeast: .viewer, listID: listID))
            """
        if let cursor { query += " AND e.id < \(bind: cursor)" }
        query += " ORDER BY e.id DESC LIMIT \(bind: limit + 1)"
        let finished = query
        let rows = try await database.read { sql in
            try await ListAccess.all(finished, Self.decode, caller: caller, over: .list(listID), needed: .viewer, on: sql)
        }
        let items = rows.prefix(limit).map { $0.seen(from: listID) }
        return (Array(items), rows.count > limit ? items.last?.id : nil)
    }

    private static func decode(_ row: SQLRow) throws -> ListEvent {
        let stored = try JSONDecoder().decode(StoredTask.self, from: Data(try row.string(7).utf8))
        let actor = try row.optionalString(5).flatMap { id in try row.optionalString(6).map { ListEvent.Actor(id: id, username: $0) } }
        return ListEvent(
            id: try row.int64(0), kind: ListEvent.Kind(rawValue: try row.string(1)) ?? .taskUpdated, at: Microseconds.date(try row.int64(2)),
            listID: try row.string(3), fromListID: try row.optionalString(4), actor: actor, task: stored.task, taskID: stored.id)
    }

    /// A task as the log keeps it (`data`), or its id alone.
    private struct StoredTask: Decodable {
        var id: String
        var listID: String?
        var createdBy: String?
        var title: String?
        var description: String?
        var done: Bool?
        var priority: String?
        var dueDate: String?
        /// Microseconds, as digits.
        var createdAtText: String?
        var updatedAtText: String?

        enum CodingKeys: String, CodingKey {
            case id, title, description, done, priority
            case listID = "list_id"
            case createdBy = "created_by"
            case dueDate = "due_date"
            case createdAtText = "created_at"
            case updatedAtText = "updated_at"
        }

        var task: TaskItem? {
            guard let listID, let title, let description, let done, let priority = priority.flatMap(Priority.init),
                let createdAt = createdAtText.flatMap({ Int64($0) }), let updatedAt = updatedAtText.flatMap({ Int64($0) })
            else { return nil }
            return TaskItem(
                id: id, listID: listID, createdBy: createdBy, title: title, description: description, done: done, priority: priority,
                dueDate: dueDate, createdAt: Microseconds.date(createdAt), updatedAt: Microseconds.date(updatedAt))
        }
    }
}
