import Foundation

/// Tasks in the database. Every statement carries the caller's membership check (`ListAccess`),
/// but a new task in the caller's own default list, which needs none: a task of a list the caller
/// is not in does not exist here, and a viewer's write changes nothing.
struct TaskRepository: Sendable {
    let database: AppDatabase

    /// Inserts `task` into the caller's default list, `home` (the principal's): their own, which
    /// nobody else can hold, so no role to check, and one `INSERT … VALUES` with no transaction
    /// around it: the members' feed rows (`TaskFeedSchema`) and its `task.created` event
    /// (`TaskCreatedEventSchema`) are written by triggers in the same statement — `INSERT … SELECT`
    /// and `RETURNING` would each make SQLite fill a temporary table. An account deleted meanwhile
    /// leaves no task: the foreign keys refuse it.
    func create(_ task: TaskItem, inHome home: String) async throws -> TaskItem {
        try await database.writeStatement { sql in
            do {
                try await sql.execute(Self.insert(task, into: home))
            } catch AppDatabase.Failure.foreignKeyViolation {
                throw ListAccess.Refusal.notFound(.list)
            }
            sql.noteEventAppended()
        }
        return Self.placed(task, in: home)
    }

    /// Inserts `task` into `listID`, which needs `editor`: the check and the insert are one
    /// statement, its event written by the trigger. A list deleted meanwhile leaves no task
    /// behind: the foreign key refuses it.
    func create(_ task: TaskItem, in listID: String, caller: String) async throws -> TaskItem {
        let insert: SQLStatement = """
            INSERT INTO tasks (id, list_id, created_by, title, description, done, priority, due_date, created_at, updated_at)
            SELECT \(bind: task.id), \(bind: listID), \(bind: task.createdBy), \(bind: task.title), \(bind: task.description),
                   \(bind: task.done), \(bind: task.priority.rawValue), \(bind: task.dueDate),
                   \(bind: Microseconds.from(task.createdAt)), \(bind: Microseconds.from(task.updatedAt))
            WHERE \(ListAccess.guarded(caller: caller, atLeast: .editor, listID: listID))
            RETURNING id
            """
        return try await database.write { sql in
            _ = try await Self.foreignKeyMeansGone(
                try await ListAccess.first(insert, { try $0.string(0) }, caller: caller, over: .list(listID), needed: .editor, on: sql))
            sql.noteEventAppended()
            return Self.placed(task, in: listID)
        }
    }

    private static func insert(_ task: TaskItem, into listID: String) -> SQLStatement {
        """
        INSERT INTO tasks (id, list_id, created_by, title, description, done, priority, due_date, created_at, updated_at)
        VALUES (\(bind: task.id), \(bind: listID), \(bind: task.createdBy), \(bind: task.title), \(bind: task.description),
                \(bind: task.done), \(bind: task.priority.rawValue), \(bind: task.dueDate),
                \(bind: Microseconds.from(task.createdAt)), \(bind: Microseconds.from(task.updatedAt)))
        """
    }

    private static func placed(_ task: TaskItem, in listID: String) -> TaskItem {
        var placed = task
        placed.listID = listID
        return placed
    }

    /// The task, if the caller holds at least `role` in its list.
    func find(id: String, caller: String, atLeast role: ListRole = .viewer) async throws -> TaskItem {
        try await database.read { sql in
            try await ListAccess.first(
                """
                SELECT \(unsafeRaw: Self.qualifiedColumns) FROM tasks t \(ListAccess.member(caller: caller, atLeast: role, listColumn: "t.list_id"))
                WHERE t.id = \(bind: id)
                """, Self.decode, caller: caller, over: .task(id), needed: role, on: sql)
        }
    }

    /// One page, newest first, after `cursor`: of one list (along its `(list_id, created_at, id)`
    /// index), or of every list the caller is in (along their `task_feed` rows). Reads `limit + 1`
    /// rows to learn whether another page follows; never an OFFSET. A list the caller cannot see
    /// is "List not found".

    func list(caller: String, listID: String?, filter: TaskFilter, after cursor: PageCursor?, limit: Int) async throws
        -> (items: [TaskItem], next: PageCursor?)
    {
        var conditions: [SQLStatement] = []
        if let done = filter.done { conditions.append("t.done = \(bind: done)") }
        if let text = filter.titleContains, !text.isEmpty {
            conditions.append("lower(t.title) LIKE \(bind: "%" + Self.escapeLike(text.lowercased()) + "%") ESCAPE '\\'")
        }
        if let priority = filter.priority { conditions.append("t.priority = \(bind: priority.rawValue)") }
        if let dueBefore = filter.dueBefore {
            conditions.append("t.due_date IS NOT NULL AND t.due_date < \(bind: dueBefore)")
        }
        let rows: [TaskItem]
        if let listID {
            conditions.insert("t.list_id = \(bind: listID)", at: 0)
            if let cursor { conditions.append("(t.created_at, t.id) < (\(bind: cursor.createdAt), \(bind: cursor.id))") }
            let query: SQLStatement = """
                SELECT \(unsafeRaw: Self.qualifiedColumns) FROM tasks t
                \(ListAccess.member(caller: caller, atLeast: .viewer, listColumn: "t.list_id"))
                WHERE \(conditions.joined(separator: " AND "))
                ORDER BY t.created_at DESC, t.id DESC LIMIT \(bind: limit + 1)
                """
            // An empty page of one list: is it empty, or not the caller's to see?
            rows = try await database.read { sql in
                try await ListAccess.all(query, Self.decode, caller: caller, over: .list(listID), needed: .viewer, on: sql)
            }
        } else {
            conditions.append(ListAccess.guarded(caller: caller, atLeast: .viewer, listColumn: "t.list_id"))
            let (filters, finished) = (conditions, cursor)
            rows = try await database.read { sql in
                let page = try await sql.all(
                    Self.feedPage(caller: caller, where: filters, after: finished, limit: limit + 1, sql.dialect), Self.decode)
                // SQLite's statement has its ORDER BY; PostgreSQL's walk has none to keep it lazy.
                return sql.dialect == .postgres ? page.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) } : page
            }
        }
        guard rows.count > limit else { return (rows, nil) }
        let items = Array(rows.prefix(limit))
        let last = items[items.count - 1]
        return (items, PageCursor(createdAt: Microseconds.from(last.createdAt), id: last.id))
    }

    /// Across lists: the caller's feed rows from the cursor in the key's order, each row's task
    /// kept if it passes `conditions` (the filters and the membership), until `limit` are found.
    ///
    /// SQLite plans the join as written, a search of the feed's key. PostgreSQL without fresh
    /// statistics (a user who has just added 3,000 tasks, before autovacuum's ANALYZE) joined the
    /// membership first, fetched every task of the user's lists and sorted them: 560 ms for a page
    /// of 20. There the feed is walked one row at a time by a recursive query whose every step is
    /// `ORDER BY key LIMIT 1` over the key (an index walk whatever the estimates), each task looked
    /// up by its id in a LATERAL subquery that `OFFSET 0` keeps from becoming a join, and the walk
    /// stops when the LIMIT is met. Its rows come in the walk's order, and are put in it again.
    static func feedPage(
        caller: String, where conditions: [SQLStatement], after cursor: PageCursor?, limit: Int, _ dialect: SQLDialect
    ) -> SQLStatement {
        let filters = conditions.joined(separator: " AND ")
        switch dialect {
        case .sqlite:
            var feed: SQLStatement = "f.user_id = \(bind: caller)"
            if let cursor { feed += " AND (f.created_at, f.task_id) < (\(bind: cursor.createdAt), \(bind: cursor.id))" }
            return """
                SELECT \(unsafeRaw: qualifiedColumns) FROM task_feed f JOIN tasks t ON t.id = f.task_id
                WHERE \(feed) AND \(filters)
                ORDER BY f.created_at DESC, f.task_id DESC LIMIT \(bind: limit)
                """
        case .postgres:
            let start: SQLStatement =
                if let cursor { "(\(bind: cursor.createdAt), \(bind: cursor.id))" } else { "(\(bind: Int64.max), '')" }
            return """
                WITH RECURSIVE walk (created_at, task_id) AS (
                    (SELECT f.created_at, f.task_id FROM task_feed f
                     WHERE f.user_id = \(bind: caller) AND (f.created_at, f.task_id) < \(start)
                     ORDER BY f.created_at DESC, f.task_id DESC LIMIT 1)
                    UNION ALL
                    SELECT next.created_at, next.task_id FROM walk w CROSS JOIN LATERAL (
                        SELECT f.created_at, f.task_id FROM task_feed f
                        WHERE f.user_id = \(bind: caller) AND (f.created_at, f.task_id) < (w.created_at, w.task_id)
                        ORDER BY f.created_at DESC, f.task_id DESC LIMIT 1) next
                )
                SELECT \(unsafeRaw: qualifiedColumns) FROM walk CROSS JOIN LATERAL (
                    SELECT * FROM tasks t WHERE t.id = walk.task_id AND \(filters) OFFSET 0) t
                LIMIT \(bind: limit)
                """
        }
    }

    /// Applies `change` and returns the task as it now is. Needs `editor` in the task's list, and
    /// in the list it moves to; the checks are part of the update. A moved task's feed rows follow
    /// the members of its new list (`TaskFeedSchema`). Its event (`task.moved` when the list
    /// changed) is written in the same transaction.
    func update(id: String, caller: String, _ change: TaskChange, at now: Date) async throws -> TaskItem {
        var assignments: [SQLStatement] = ["updated_at = \(bind: Microseconds.from(now))"]
        if let title = change.title { assignments.append("title = \(bind: title)") }
        if let description = change.description { assignments.append("description = \(bind: description)") }
        if let done = change.done { assignments.append("done = \(bind: done)") }
        if let priority = change.priority { assignments.append("priority = \(bind: priority.rawValue)") }
        if let dueDate = change.dueDate { assignments.append("due_date = \(bind: dueDate)") }
        var conditions = [ListAccess.guarded(caller: caller, atLeast: .editor, listColumn: "tasks.list_id")]
        if let target = change.listID {
            assignments.append("list_id = \(bind: target)")
            conditions.append(ListAccess.guarded(caller: caller, atLeast: .editor, listID: target))
        }
        let statement: SQLStatement = """
            UPDATE tasks SET \(assignments.joined(separator: ", "))
            WHERE id = \(bind: id) AND \(conditions.joined(separator: " AND "))
            RETURNING \(unsafeRaw: Self.columns)
            """
        return try await database.write { sql in
            // Where it was, for a move's event: read and locked in the transaction that moves it,
            // so that a move committed meanwhile by another cannot make it stale.
            let before =
                change.listID == nil
                ? nil
                : try await sql.first(
                    "SELECT list_id FROM tasks WHERE id = \(bind: id)\(unsafeRaw: sql.dialect.lockingRead)", { try $0.string(0) })
            if let task = try await Self.foreignKeyMeansGone(try await sql.first(statement, Self.decode)) {
                let moved = before.map { $0 != task.listID } ?? false
                try await EventLog.appendTask(
                    moved ? .taskMoved : .taskUpdated, task, taskID: id, listID: task.listID, fromListID: moved ? before : nil,
                    actor: caller, at: now, on: sql)
                return task
            }
            // Refused by the task's list, else by the list it was to move to.
            try await ListAccess.require(caller, holds: .editor, over: .task(id), on: sql)
            if let target = change.listID { try await ListAccess.require(caller, holds: .editor, over: .list(target), on: sql) }
            throw ListAccess.Refusal.notFound(.task)
        }
    }

    /// Deletes the task (its feed rows go with it) and writes its event; needs `editor` in its list.
    func delete(id: String, caller: String, at now: Date) async throws {
        try await database.write { sql in
            let listID = try await ListAccess.first(
                """
                DELETE FROM tasks WHERE id = \(bind: id)
                AND \(ListAccess.guarded(caller: caller, atLeast: .editor, listColumn: "tasks.list_id")) RETURNING list_id
                """, { try $0.string(0) }, caller: caller, over: .task(id), needed: .editor, on: sql)
            try await EventLog.appendTask(.taskDeleted, nil, taskID: id, listID: listID, actor: caller, at: now, on: sql)
        }
    }

    /// A list deleted by another transaction between the check and the write: the foreign key
    /// refuses the row, and the transaction can run nothing more (PostgreSQL), so this is the answer.
    private static func foreignKeyMeansGone<T>(_ write: @autoclosure () async throws -> T) async throws -> T {
        do {
            return try await write()
        } catch AppDatabase.Failure.foreignKeyViolation {
            throw ListAccess.Refusal.notFound(.list)
        }
    }

    private static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }

    private static let columnNames = [
        "id", "list_id", "created_by", "title", "description", "done", "priority", "due_date", "created_at", "updated_at",
    ]
    /// The column list `decode` reads by index.
    static let columns = columnNames.joined(separator: ", ")
    /// The same columns of `tasks t` in a join.
    static let qualifiedColumns = columnNames.map { "t." + $0 }.joined(separator: ", ")

    static func decode(_ row: SQLRow) throws -> TaskItem {
        TaskItem(
            id: try row.string(0),
            listID: try row.string(1),
            createdBy: try row.optionalString(2),
            title: try row.string(3),
            description: try row.string(4),
            done: try row.bool(5),
            priority: Priority(rawValue: try row.string(6)) ?? .normal,
            dueDate: try row.optionalString(7),
            createdAt: Microseconds.date(try row.int64(8)),
            updatedAt: Microseconds.date(try row.int64(9)))
    }
}
