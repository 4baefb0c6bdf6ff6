/// Migration 8: `task_feed` kept by the database, as an index is. Triggers add and remove its rows
/// when a task is made, moved or deleted and when a membership begins or ends, so no statement of
/// ours maintains it and none can forget to.
///
/// The table becomes one B-tree (SQLite: `WITHOUT ROWID`; PostgreSQL: its primary key), found only
/// by its key: a member's rows for a task are `(user_id, task.created_at, task.id)` for the members
/// of the task's list, so every trigger reaches its rows through the key, and the indexes on the
/// task and on the membership, with their foreign keys, go. Creating a task writes one row per
/// member into one B-tree instead of four. `GET /tasks` joins the task and the caller's membership
/// as before, so a row is never the reason a task is shown.
///
/// Whichever order a cascade takes (a list's tasks before its members or after), the rows go: the
/// task's trigger finds the members still there, or the membership's trigger the tasks. For that
/// the two delete triggers run BEFORE the row goes: PostgreSQL runs a list's two cascades before
/// any AFTER trigger, which would then find neither.
enum TaskFeedSchema {
    static let migration = Migrations.Migration(
        version: 8, name: "task_feed kept by triggers, one B-tree",
        steps: [
            .run { sql in
                try await sql.execute(
                    """
                    CREATE TABLE task_feed_by_key (
                        user_id    TEXT NOT NULL,
                        created_at BIGINT NOT NULL,
                        task_id    TEXT NOT NULL,
                        PRIMARY KEY (user_id, created_at, task_id)
                    )\(unsafeRaw: sql.dialect == .sqlite ? " WITHOUT ROWID" : "")
                    """)
            },
            .sql("INSERT INTO task_feed_by_key (user_id, created_at, task_id) SELECT user_id, created_at, task_id FROM task_feed"),
            .sql("DROP TABLE task_feed"),
            .sql("ALTER TABLE task_feed_by_key RENAME TO task_feed"),
            .run { sql in
                // PostgreSQL names the key after the table it was made in.
                guard sql.dialect == .postgres else { return }
                try await sql.execute("ALTER INDEX task_feed_by_key_pkey RENAME TO task_feed_pkey")
            },
            .run { sql in
                for trigger in triggers {
                    for statement in trigger.statements(sql.dialect) { try await sql.execute(SQLStatement(unsafeRaw: statement)) }
                }
            },
        ])

    /// The rows of `row`'s list's members for the task `row` (`NEW` or `OLD`).
    private static func addTask(_ row: String) -> String {
        """
        INSERT INTO task_feed (user_id, created_at, task_id)
        SELECT user_id, \(row).created_at, \(row).id FROM list_members WHERE list_id = \(row).list_id
        """
    }

    private static func removeTask(_ row: String) -> String {
        """
        DELETE FROM task_feed WHERE user_id IN (SELECT user_id FROM list_members WHERE list_id = \(row).list_id)
        AND created_at = \(row).created_at AND task_id = \(row).id
        """
    }

    static let triggers = [
        Trigger(name: "task_feed_task_added", event: "AFTER INSERT ON tasks", body: [addTask("NEW")]),
        Trigger(
            name: "task_feed_task_moved", event: "AFTER UPDATE OF list_id ON tasks",
            when: "OLD.list_id <> NEW.list_id", body: [removeTask("OLD"), addTask("NEW")]),
        Trigger(name: "task_feed_task_deleted", event: "BEFORE DELETE ON tasks", body: [removeTask("OLD")]),
        Trigger(
            name: "task_feed_member_added", event: "AFTER INSERT ON list_members",
            body: [
                """
                INSERT INTO task_feed (user_id, created_at, task_id)
                SELECT NEW.user_id, created_at, id FROM tasks WHERE list_id = NEW.list_id
                """
            ]),
        Trigger(
            name: "task_feed_member_removed", event: "BEFORE DELETE ON list_members",
            body: [
                """
                DELETE FROM task_feed WHERE user_id = OLD.user_id
                AND (created_at, task_id) IN (SELECT created_at, id FROM tasks WHERE list_id = OLD.list_id)
                """
            ]),
    ]

    /// A row trigger whose body is the same SQL on both engines; only the wrapping differs. Its
    /// PostgreSQL function returns the row, which lets a BEFORE trigger's DELETE go on.
    struct Trigger {
        var name: String
        /// `AFTER|BEFORE <event> ON <table>`.
        var event: String
        var when: String? = nil
        var body: [String]

        func statements(_ dialect: SQLDialect) -> [String] {
            let statements = body.map { $0 + ";" }.joined(separator: "\n")
            switch dialect {
            case .sqlite:
                return ["CREATE TRIGGER \(name) \(event) FOR EACH ROW\(when.map { " WHEN \($0)" } ?? "") BEGIN\n\(statements)\nEND"]
            case .postgres:
                return [
                    "CREATE FUNCTION \(name)() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n\(statements)\nRETURN \(event.contains("DELETE") ? "OLD" : "NEW");\nEND $$",
                    "CREATE TRIGGER \(name) \(event) FOR EACH ROW\(when.map { " WHEN (\($0))" } ?? "") EXECUTE FUNCTION \(name)()",
                ]
            }
        }
    }
}
