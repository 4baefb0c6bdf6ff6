import Foundation

/// Tasks in the database. Every query is scoped to an owner: another user's task does not exist here.
struct TaskRepository: Sendable {
    let database: AppDatabase

    func create(_ task: TaskItem) async throws {
        try await database.write { sql in
            try await sql.execute(
                """
                INSERT INTO tasks (id, owner_id, title, description, done, priority, due_date, created_at, updated_at)
                VALUES (\(bind: task.id), \(bind: task.ownerID), \(bind: task.title), \(bind: task.description),
                        \(bind: task.done), \(bind: task.priority.rawValue), \(bind: task.dueDate),
                        \(bind: Microseconds.from(task.createdAt)), \(bind: Microseconds.from(task.updatedAt)))
                """)
        }
    }

    func find(id: String, ownerID: String) async throws -> TaskItem? {
        try await database.read { sql in
            try await sql.first(
                "SELECT \(unsafeRaw: Self.columns) FROM tasks WHERE id = \(bind: id) AND owner_id = \(bind: ownerID)",
                Self.decode)
        }
    }

    /// One page, newest first, after `cursor`. Reads `limit + 1` rows along the
    /// (owner_id, created_at, id) index to learn whether another page follows; never an OFFSET.
    func list(ownerID: String, filter: TaskFilter, after cursor: PageCursor?, limit: Int) async throws
        -> (items: [TaskItem], next: PageCursor?)
    {
        var conditions: [SQLStatement] = ["owner_id = \(bind: ownerID)"]
        if let done = filter.done { conditions.append("done = \(bind: done)") }
        if let text = filter.titleContains, !text.isEmpty {
            conditions.append("lower(title) LIKE \(bind: "%" + Self.escapeLike(text.lowercased()) + "%") ESCAPE '\\'")
        }
        if let priority = filter.priority { conditions.append("priority = \(bind: priority.rawValue)") }
        if let dueBefore = filter.dueBefore {
            conditions.append("due_date IS NOT NULL AND due_date < \(bind: dueBefore)")
        }
        if let cursor {
            conditions.append("(created_at, id) < (\(bind: cursor.createdAt), \(bind: cursor.id))")
        }
        let query: SQLStatement = """
            SELECT \(unsafeRaw: Self.columns) FROM tasks WHERE \(conditions.joined(separator: " AND "))
            ORDER BY created_at DESC, id DESC LIMIT \(bind: limit + 1)
            """
        let rows = try await database.read { sql in try await sql.all(query, Self.decode) }
        guard rows.count > limit else { return (rows, nil) }
        let items = Array(rows.prefix(limit))
        let last = items[items.count - 1]
        return (items, PageCursor(createdAt: Microseconds.from(last.createdAt), id: last.id))
    }

    /// Applies `change` to the owner's task and returns it as it now is, or `nil` when there is none.
    func update(id: String, ownerID: String, _ change: TaskChange, at now: Date) async throws -> TaskItem? {
        var assignments: [SQLStatement] = ["updated_at = \(bind: Microseconds.from(now))"]
        if let title = change.title { assignments.append("title = \(bind: title)") }
        if let description = change.description { assignments.append("description = \(bind: description)") }
        if let done = change.done { assignments.append("done = \(bind: done)") }
        if let priority = change.priority { assignments.append("priority = \(bind: priority.rawValue)") }
        if let dueDate = change.dueDate { assignments.append("due_date = \(bind: dueDate)") }
        let statement: SQLStatement = """
            UPDATE tasks SET \(assignments.joined(separator: ", "))
            WHERE id = \(bind: id) AND owner_id = \(bind: ownerID)
            RETURNING \(unsafeRaw: Self.columns)
            """
        return try await database.write { sql in try await sql.first(statement, Self.decode) }
    }

    /// `true` when the owner's task existed and is now gone.
    func delete(id: String, ownerID: String) async throws -> Bool {
        try await database.write { sql in
            try await sql.first(
                "DELETE FROM tasks WHERE id = \(bind: id) AND owner_id = \(bind: ownerID) RETURNING id", { try $0.string(0) }
            ) != nil
        }
    }

    private static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }

    /// The column list `decode` reads by index.
    static let columns = "id, owner_id, title, description, done, priority, due_date, created_at, updated_at"

    static func decode(_ row: SQLRow) throws -> TaskItem {
        TaskItem(
            id: try row.string(0),
            ownerID: try row.string(1),
            title: try row.string(2),
            description: try row.string(3),
            done: try row.bool(4),
            priority: Priority(rawValue: try row.string(5)) ?? .normal,
            dueDate: try row.optionalString(6),
            createdAt: Microseconds.date(try row.int64(7)),
            updatedAt: Microseconds.date(try row.int64(8)))
    }
}
