import Foundation

/// Migration 6: lists shared with roles. Every account gets a default list, owned through a
/// membership row; every task moves into its owner's default list in the same transaction.
///
/// What the database itself holds, whatever the code does:
/// - one membership per (list, user): the primary key;
/// - at most one owner per list: a unique index over the owner rows;
/// - at least one: `lists.owner_id` names the owner, and a deferred foreign key
///   `(id, owner_id, owner_role = 3)` → `list_members (list_id, user_id, role)` makes every commit
///   in which that member is not the list's owner fail;
/// - one pending invitation per (list, user): a unique index over the pending rows;
/// - a task's list exists when the task is written (a list deleted during an insert leaves no task).
///
/// `task_feed` is the index `GET /tasks` walks across every list a user is in: one row per
/// (member, task), newest first, so a page costs the page, not the number of lists. Its rows go
/// with the membership (foreign key, cascade) and with the task. Migration 8 (`TaskFeedSchema`)
/// hands it to triggers.
enum SharingSchema {
    static let migration = Migrations.Migration(
        version: 6, name: "lists shared with roles, invitations, every task in a list",
        steps: [
            .run { sql in try await sql.execute(SQLStatement(unsafeRaw: createLists(sql.dialect))) },
            .sql("CREATE INDEX lists_owner ON lists (owner_id)"),
            .sql("CREATE UNIQUE INDEX lists_one_default ON lists (owner_id) WHERE is_default"),
            .sql(
                """
                CREATE TABLE list_members (
                    list_id  TEXT NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
                    user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    role     INTEGER NOT NULL CHECK (role IN (1, 2, 3)),
                    added_at BIGINT NOT NULL,
                    PRIMARY KEY (list_id, user_id),
                    UNIQUE (list_id, user_id, role)
                )
                """),
            .sql("CREATE UNIQUE INDEX list_members_one_owner ON list_members (list_id) WHERE role = 3"),
            .sql("CREATE INDEX list_members_user ON list_members (user_id, list_id)"),
            // PostgreSQL cannot name a table before it exists: its half of the owner cycle closes here.
            .run { sql in
                guard sql.dialect == .postgres else { return }
                try await sql.execute(
                    """
                    ALTER TABLE lists ADD CONSTRAINT lists_owner_is_member
                    FOREIGN KEY (id, owner_id, owner_role) REFERENCES list_members (list_id, user_id, role)
                    DEFERRABLE INITIALLY DEFERRED
                    """)
            },
            .sql(
                """
                CREATE TABLE list_invitations (
                    id          TEXT PRIMARY KEY,
                    list_id     TEXT NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
                    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    role        INTEGER NOT NULL CHECK (role IN (1, 2)),
                    invited_by  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    status      TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'withdrawn', 'expired')),
                    created_at  BIGINT NOT NULL,
                    expires_at  BIGINT NOT NULL,
                    answered_at BIGINT
                )
                """),
            .sql("CREATE UNIQUE INDEX list_invitations_one_pending ON list_invitations (list_id, user_id) WHERE status = 'pending'"),
            .sql("CREATE INDEX list_invitations_user ON list_invitations (user_id, status)"),
            .sql("CREATE INDEX list_invitations_sender ON list_invitations (invited_by, status)"),
            // Every existing account's default list, with its owner's membership.
            .run { sql in
                let users = try await sql.all("SELECT id, created_at FROM users", { (try $0.string(0), try $0.int64(1)) })
                for (userID, createdAt) in users {
                    try await ListRepository.createDefault(
                        for: userID, id: UUID().uuidString.lowercased(), at: createdAt, on: sql)
                }
            },
            // Tasks: `owner_id` (whose deletion took the task) becomes `list_id` (the owner's default
            // list) and `created_by` (kept as NULL when that account goes).
            .sql(
                """
                CREATE TABLE tasks_in_lists (
                    id          TEXT PRIMARY KEY,
                    list_id     TEXT NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
                    created_by  TEXT REFERENCES users(id) ON DELETE SET NULL,
                    title       TEXT NOT NULL,
                    description TEXT NOT NULL,
                    done        BOOLEAN NOT NULL,
                    priority    TEXT NOT NULL,
                    due_date    TEXT,
                    created_at  BIGINT NOT NULL,
                    updated_at  BIGINT NOT NULL
                )
                """),
            .sql(
                """
                INSERT INTO tasks_in_lists (id, list_id, created_by, title, description, done, priority, due_date, created_at, updated_at)
                SELECT t.id, l.id, t.owner_id, t.title, t.description, t.done, t.priority, t.due_date, t.created_at, t.updated_at
                FROM tasks t JOIN lists l ON l.owner_id = t.owner_id AND l.is_default
                """),
            .sql("DROP TABLE tasks"),
            .sql("ALTER TABLE tasks_in_lists RENAME TO tasks"),
            // One list's page walks this index backwards from the cursor: newest first.
            .sql("CREATE INDEX tasks_list_created ON tasks (list_id, created_at, id)"),
            .sql("CREATE INDEX tasks_created_by ON tasks (created_by)"),
            .sql(
                """
                CREATE TABLE task_feed (
                    user_id    TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    task_id    TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
                    list_id    TEXT NOT NULL,
                    PRIMARY KEY (user_id, created_at, task_id),
                    FOREIGN KEY (list_id, user_id) REFERENCES list_members (list_id, user_id) ON DELETE CASCADE
                )
                """),
            .sql("CREATE INDEX task_feed_task ON task_feed (task_id)"),
            .sql("CREATE INDEX task_feed_member ON task_feed (list_id, user_id)"),
            .sql(
                """
                INSERT INTO task_feed (user_id, created_at, task_id, list_id)
                SELECT m.user_id, t.created_at, t.id, t.list_id FROM tasks t JOIN list_members m ON m.list_id = t.list_id
                """),
        ])

    /// SQLite resolves foreign keys when rows are written, so its half of the owner cycle stands
    /// in `CREATE TABLE`; PostgreSQL's is added once `list_members` exists.
    private static func createLists(_ dialect: SQLDialect) -> String {
        let ownerIsMember =
            dialect == .sqlite
            ? ",\n    FOREIGN KEY (id, owner_id, owner_role) REFERENCES list_members (list_id, user_id, role) DEFERRABLE INITIALLY DEFERRED"
            : ""
        return """
            CREATE TABLE lists (
                id         TEXT PRIMARY KEY,
                name       TEXT NOT NULL,
                owner_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                owner_role INTEGER NOT NULL DEFAULT 3 CHECK (owner_role = 3),
                is_default BOOLEAN NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL\(ownerIsMember)
            )
            """
    }
}
