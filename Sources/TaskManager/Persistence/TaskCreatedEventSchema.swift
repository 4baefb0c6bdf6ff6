/// Migration 13: the event log made cheaper to write, as every task write writes to it.
///
/// - `task.created` is written by the database, as `task_feed` is kept: a trigger on `tasks`
///   appends the event in the inserting statement itself, the task's creator as its actor. A new
///   task in the caller's default list is then again one statement with no transaction around it
///   (`AppDatabase.writeStatement`), the hottest write, which the event log had made four
///   (`bench/cpu`, BENCHMARKS.md). The event's JSON is the one `EventLog.taskData` writes for the
///   other task events.
/// - On SQLite, `events.id` becomes the table's rowid (`INTEGER PRIMARY KEY`; `BIGINT PRIMARY KEY`
///   was a second B-tree beside the rowid's), which SQLite numbers itself as the largest plus one:
///   one B-tree less and no `MAX(id)` in each insert. The retention job never removes the newest
///   event, so a number is never taken twice. On PostgreSQL ids stay the locked counter's.
enum TaskCreatedEventSchema {
    static let migration = Migrations.Migration(
        version: 13, name: "the event log cheaper to write: task.created by a trigger, SQLite's ids its rowids",
        steps: [
            .run { sql in
                guard sql.dialect == .sqlite else { return }
                for statement in rowidTable { try await sql.execute(SQLStatement(unsafeRaw: statement)) }
            },
            .run { sql in
                for statement in statements(sql.dialect) { try await sql.execute(SQLStatement(unsafeRaw: statement)) }
            },
        ])

    private static let rowidTable = [
        """
        CREATE TABLE events_by_rowid (
            id           INTEGER PRIMARY KEY,
            list_id      TEXT NOT NULL,
            type         TEXT NOT NULL,
            at           BIGINT NOT NULL,
            actor_id     TEXT,
            from_list_id TEXT,
            data         TEXT NOT NULL,
            recipient_id TEXT
        )
        """,
        """
        INSERT INTO events_by_rowid (id, list_id, type, at, actor_id, from_list_id, data, recipient_id)
        SELECT id, list_id, type, at, actor_id, from_list_id, data, recipient_id FROM events
        """,
        "DROP TABLE events",
        "ALTER TABLE events_by_rowid RENAME TO events",
        "CREATE INDEX events_list ON events (list_id, id)",
        "CREATE INDEX events_from_list ON events (from_list_id, id) WHERE from_list_id IS NOT NULL",
        "CREATE INDEX events_recipient ON events (recipient_id, id) WHERE recipient_id IS NOT NULL",
    ]

    static func statements(_ dialect: SQLDialect) -> [String] {
        switch dialect {
        case .sqlite:
            return [
                """
                CREATE TRIGGER events_task_created AFTER INSERT ON tasks FOR EACH ROW BEGIN
                INSERT INTO events (list_id, type, at, actor_id, data)
                VALUES (NEW.list_id, 'task.created', NEW.created_at, NEW.created_by,
                    json_object('id', NEW.id, 'list_id', NEW.list_id, 'created_by', NEW.created_by, 'title', NEW.title,
                        'description', NEW.description, 'done', json(CASE WHEN NEW.done THEN 'true' ELSE 'false' END),
                        'priority', NEW.priority, 'due_date', NEW.due_date,
                        'created_at', CAST(NEW.created_at AS TEXT), 'updated_at', CAST(NEW.updated_at AS TEXT)));
                END
                """
            ]
        case .postgres:
            return [
                """
                CREATE FUNCTION events_task_created() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                WITH next AS (UPDATE event_counter SET last_id = last_id + 1 WHERE singleton = 1 RETURNING last_id)
                INSERT INTO events (id, list_id, type, at, actor_id, data)
                SELECT next.last_id, NEW.list_id, 'task.created', NEW.created_at, NEW.created_by,
                    json_build_object('id', NEW.id, 'list_id', NEW.list_id, 'created_by', NEW.created_by, 'title', NEW.title,
                        'description', NEW.description, 'done', NEW.done, 'priority', NEW.priority, 'due_date', NEW.due_date,
                        'created_at', NEW.created_at::text, 'updated_at', NEW.updated_at::text)::text
                FROM next;
                PERFORM pg_notify('\(EventLog.channel)', '');
                RETURN NEW;
                END $$
                """,
                "CREATE TRIGGER events_task_created AFTER INSERT ON tasks FOR EACH ROW EXECUTE FUNCTION events_task_created()",
            ]
        }
    }
}
