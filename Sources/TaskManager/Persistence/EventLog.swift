import Foundation

/// The event log (`EventLogSchema`): appended to inside the transaction of the change, read by list.
struct EventLog: Sendable {
    let database: AppDatabase

    /// Records a change to a task inside the caller's transaction. The counter's row, updated
    /// here, stays locked until that transaction ends: ids commit in order.
    static func appendTask(
        _ kind: ListEvent.Kind, _ task: TaskItem?, taskID: String, listID: String, fromListID: String? = nil, actor: String, at: Date,
        on sql: SQLConnection
    ) async throws {
        guard let id = try await sql.first("UPDATE event_counter SET last_id = last_id + 1 WHERE singleton = 1 RETURNING last_id", { try $0.int64(0) })
        else { throw APIError.internalError }
        let data = try JSONEncoder().encode(task.map(StoredTask.init) ?? StoredTask(id: taskID))
        try await sql.execute(
            """
            INSERT INTO events (id, list_id, type, at, actor_id, from_list_id, data)
            VALUES (\(bind: id), \(bind: listID), \(bind: kind.rawValue), \(bind: Microseconds.from(at)), \(bind: actor),
                    \(bind: fromListID), \(bind: String(decoding: data, as: UTF8.self)))
            """)
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

    /// A task as the log keeps it, or its id alone.
    private struct StoredTask: Codable {
        var id: String
        var listID: String?
        var createdBy: String?
        var title: String?
        var description: String?
        var done: Bool?
        var priority: String?
        var dueDate: String?
        var createdAt: Int64?
        var updatedAt: Int64?

        init(id: String) { self.id = id }

        init(_ task: TaskItem) {
            id = task.id
            listID = task.listID
            createdBy = task.createdBy
            title = task.title
            description = task.description
            done = task.done
            priority = task.priority.rawValue
            dueDate = task.dueDate
            createdAt = Microseconds.from(task.createdAt)
            updatedAt = Microseconds.from(task.updatedAt)
        }

        var task: TaskItem? {
            guard let listID, let title, let description, let done, let priority = priority.flatMap(Priority.init), let createdAt, let updatedAt
            else { return nil }
            return TaskItem(
                id: id, listID: listID, createdBy: createdBy, title: title, description: description, done: done, priority: priority,
                dueDate: dueDate, createdAt: Microseconds.date(createdAt), updatedAt: Microseconds.date(updatedAt))
        }
    }
}
