import Foundation

extension EventLog {
    /// Whether `caller` may read the event `e` now: it is addressed to them, or it is shared and
    /// they are a member of its list (or, for a move, of the list the task left) since before it.
    /// Part of every query that delivers events, so access is decided as each one is read.
    private static func visible(to caller: String) -> SQLStatement {
        """
        (e.recipient_id = \(bind: caller) OR (e.recipient_id IS NULL AND EXISTS (
            SELECT 1 FROM list_members m
            WHERE m.user_id = \(bind: caller) AND m.list_id IN (e.list_id, e.from_list_id) AND m.since_event <= e.id)))
        """
    }

    private static func columns(readerRole: SQLStatement) -> SQLStatement {
        "SELECT e.id, e.type, e.at, e.list_id, e.from_list_id, e.actor_id, u.username, e.data, \(readerRole) FROM events e LEFT JOIN users u ON u.id = e.actor_id"
    }

    /// The caller's events after `after`, oldest first, each as the caller sees it.
    func events(for caller: String, after: Int64, limit: Int) async throws -> [ListEvent] {
        let readerRole: SQLStatement =
            "(SELECT m.role FROM list_members m WHERE m.list_id = e.list_id AND m.user_id = \(bind: caller) AND m.since_event <= e.id)"
        let query: SQLStatement = """
            \(Self.columns(readerRole: readerRole))
            WHERE e.id > \(bind: after) AND \(Self.visible(to: caller))
            ORDER BY e.id LIMIT \(bind: limit)
            """
        return try await database.read { sql in try await sql.all(query, Self.decode) }
    }

    /// The list's events, newest first, before `cursor` (an event id): for any member. A task
    /// moved out of the list is in its history too, as the id alone; events addressed to one user
    /// are not.
    func activity(listID: String, caller: String, before cursor: Int64?, limit: Int) async throws -> (items: [ListEvent], next: Int64?) {
        let readerRole: SQLStatement = "(SELECT m.role FROM list_members m WHERE m.list_id = e.list_id AND m.user_id = \(bind: caller))"
        var query: SQLStatement = """
            \(Self.columns(readerRole: readerRole))
            WHERE (e.list_id = \(bind: listID) OR e.from_list_id = \(bind: listID)) AND e.recipient_id IS NULL
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

    /// The users who may read an event with an id in `after + 1 ... through`: whose streams to wake.
    func readers(after: Int64, through: Int64) async throws -> Set<String> {
        let users = try await database.read { sql in
            try await sql.all(
                """
                SELECT m.user_id FROM events e JOIN list_members m ON m.list_id IN (e.list_id, e.from_list_id) AND m.since_event <= e.id
                WHERE e.id > \(bind: after) AND e.id <= \(bind: through) AND e.recipient_id IS NULL
                UNION
                SELECT e.recipient_id FROM events e
                WHERE e.id > \(bind: after) AND e.id <= \(bind: through) AND e.recipient_id IS NOT NULL
                """, { try $0.string(0) })
        }
        return Set(users)
    }

    /// One row of `columns`: the event as the reader whose role in its list is column 8 sees it.
    private static func decode(_ row: SQLRow) throws -> ListEvent {
        let kind = ListEvent.Kind(rawValue: try row.string(1)) ?? .taskUpdated
        let actor = try row.optionalString(5).flatMap { id in try row.optionalString(6).map { ListEvent.Actor(id: id, username: $0) } }
        let readerRole = try row.optionalInt64(8).flatMap { ListRole(rawValue: Int($0)) }
        let data = try row.string(7)
        let subject: ListEvent.Subject
        switch kind {
        case .taskCreated, .taskUpdated, .taskDeleted, .taskMoved:
            let stored = try JSONDecoder().decode(StoredTask.self, from: Data(data.utf8))
            subject = .task(stored.task, id: stored.id)
        default:
            subject = try StoredSubject.subject(of: kind, json: data, readerRole: readerRole)
        }
        let event = ListEvent(
            id: try row.int64(0), kind: kind, at: Microseconds.date(try row.int64(2)), listID: try row.string(3),
            fromListID: try row.optionalString(4), actor: actor, subject: subject)
        // A reader who is no member of the list a task moved to sees the move from the list it left.
        if kind == .taskMoved, readerRole == nil, let from = event.fromListID { return event.seen(from: from) }
        return event
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
