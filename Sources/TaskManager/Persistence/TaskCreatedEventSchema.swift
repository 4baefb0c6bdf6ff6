/// Migration 13: `task.created` is written by the database, as `task_feed` is kept: a trigger on
/// `tasks` appends the event in the inserting statement itself, the task's creator as its actor.
/// A new task in the caller's default list is then again one statement with no transaction around
/// it (`AppDatabase.writeStatement`), the hottest write, which the event log had made four
/// (`bench/cpu`, BENCHMARKS.md). The event's JSON is the one `EventLog.taskData` writes for the
/// other task events; ids are taken as `EventLog` takes them (the locked counter row on
/// PostgreSQL, whose commit also notifies the other processes).
enum TaskCreatedEventSchema {
    static let migration = Migrations.Migration(
        version: 13, name: "task.created written by a trigger on tasks",
        steps: [
            .run { sql in
                for statement in statements(sql.dialect) { try await sql.execute(SQLStatement(unsafeRaw: statement)) }
            }
        ])

    static func statements(_ dialect: SQLDialect) -> [String] {
        switch dialect {
        case .sqlite:
            return [
                """
                CREATE TRIGGER events_task_created AFTER INSERT ON tasks FOR EACH ROW BEGIN
                INSERT INTO events (id, list_id, type, at, actor_id, data)
                SELECT COALESCE(MAX(id), 0) + 1, NEW.list_id, 'task.created', NEW.created_at, NEW.created_by,
                    json_object('id', NEW.id, 'list_id', NEW.list_id, 'created_by', NEW.created_by, 'title', NEW.title,
                        'description', NEW.description, 'done', json(CASE WHEN NEW.done THEN 'true' ELSE 'false' END),
                        'priority', NEW.priority, 'due_date', NEW.due_date,
                        'created_at', CAST(NEW.created_at AS TEXT), 'updated_at', CAST(NEW.updated_at AS TEXT))
                FROM events;
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
