/// The versioned schema. A migration is never edited once released: add a new one.
/// Times are BIGINT microseconds since the epoch; ids are UUID text; booleans are BOOLEAN (0/1 in SQLite).
enum Migrations {
    struct Migration: Sendable {
        var version: Int
        var name: String
        var steps: [Step]

        init(version: Int, name: String, statements: [String]) {
            self.init(version: version, name: name, steps: statements.map(Step.sql))
        }

        init(version: Int, name: String, steps: [Step]) {
            self.version = version
            self.name = name
            self.steps = steps
        }
    }

    /// One step of a migration: a statement both engines run, or work that needs Swift (new ids)
    /// or differs by engine (see `SharingSchema`).
    enum Step: Sendable {
        case sql(String)
        case run(@Sendable (SQLConnection) async throws -> Void)
    }

    static let all: [Migration] = [
        Migration(
            version: 1, name: "users, sessions, tasks, signing keys",
            statements: [
                """
                CREATE TABLE users (
                    id            TEXT PRIMARY KEY,
                    username      TEXT NOT NULL,
                    username_key  TEXT NOT NULL UNIQUE,
                    email         TEXT,
                    full_name     TEXT,
                    password_hash TEXT NOT NULL,
                    is_active     BOOLEAN NOT NULL,
                    is_admin      BOOLEAN NOT NULL,
                    created_at    BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE sessions (
                    id           TEXT PRIMARY KEY,
                    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    scope        TEXT NOT NULL,
                    created_at   BIGINT NOT NULL,
                    last_used_at BIGINT NOT NULL,
                    expires_at   BIGINT NOT NULL,
                    user_agent   TEXT,
                    revoked_at   BIGINT
                )
                """,
                "CREATE INDEX sessions_user ON sessions (user_id)",
                """
                CREATE TABLE tasks (
                    id          TEXT PRIMARY KEY,
                    owner_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    title       TEXT NOT NULL,
                    description TEXT NOT NULL,
                    done        BOOLEAN NOT NULL,
                    priority    TEXT NOT NULL,
                    due_date    TEXT,
                    created_at  BIGINT NOT NULL,
                    updated_at  BIGINT NOT NULL
                )
                """,
                // Keyset pagination walks this index backwards from the cursor: newest first.
                "CREATE INDEX tasks_owner_created ON tasks (owner_id, created_at, id)",
                """
                CREATE TABLE signing_keys (
                    kid        TEXT PRIMARY KEY,
                    secret     TEXT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
            ]),
        Migration(
            version: 2, name: "refresh tokens, login throttling, key retirement, user pages",
            statements: [
                """
                CREATE TABLE refresh_tokens (
                    token_hash TEXT PRIMARY KEY,
                    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                    created_at BIGINT NOT NULL,
                    used_at    BIGINT
                )
                """,
                "CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id)",
                // Consecutive failures per username (existing or not), forgotten 15 minutes after the last.
                """
                CREATE TABLE login_throttle_users (
                    username_key    TEXT PRIMARY KEY,
                    failures        INTEGER NOT NULL,
                    last_failure_at BIGINT NOT NULL,
                    locked_until    BIGINT NOT NULL
                )
                """,
                // A sliding window of failures per client address.
                """
                CREATE TABLE login_throttle_addresses (
                    address   TEXT NOT NULL,
                    failed_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX login_throttle_addresses_at ON login_throttle_addresses (address, failed_at)",
                "CREATE INDEX login_throttle_addresses_time ON login_throttle_addresses (failed_at)",
                "ALTER TABLE signing_keys ADD COLUMN retired_at BIGINT",
                "CREATE INDEX users_created ON users (created_at, id)",
            ]),
        Migration(
            version: 3, name: "registered OAuth clients, the client of each session",
            statements: [
                """
                CREATE TABLE clients (
                    id            TEXT PRIMARY KEY,
                    name          TEXT NOT NULL,
                    redirect_uris TEXT NOT NULL,
                    confidential  BOOLEAN NOT NULL,
                    secret_hash   TEXT,
                    scopes        TEXT NOT NULL,
                    created_at    BIGINT NOT NULL
                )
                """,
                // No foreign key: the built-in clients are not rows. NULL: a password-grant session.
                "ALTER TABLE sessions ADD COLUMN client_id TEXT",
                "CREATE INDEX sessions_client ON sessions (client_id)",
            ]),
        Migration(
            version: 4, name: "authorization requests and codes",
            statements: [
                // A sign-in page this server rendered: what it was asked, bound to the browser's
                // cookie; used once (Allow or Deny), for ten minutes.
                """
                CREATE TABLE authorize_requests (
                    id_hash        TEXT PRIMARY KEY,
                    browser_hash   TEXT NOT NULL,
                    client_id      TEXT NOT NULL,
                    redirect_uri   TEXT NOT NULL,
                    redirect_given BOOLEAN NOT NULL,
                    scope          TEXT NOT NULL,
                    state          TEXT,
                    code_challenge TEXT NOT NULL,
                    expires_at     BIGINT NOT NULL
                )
                """,
                "CREATE INDEX authorize_requests_expiry ON authorize_requests (expires_at)",
                // An issued code, good once for 60 seconds; `session_id` is the session its use made,
                // ended if the code comes back.
                """
                CREATE TABLE authorization_codes (
                    code_hash      TEXT PRIMARY KEY,
                    client_id      TEXT NOT NULL,
                    user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    redirect_uri   TEXT NOT NULL,
                    redirect_given BOOLEAN NOT NULL,
                    scope          TEXT NOT NULL,
                    code_challenge TEXT NOT NULL,
                    expires_at     BIGINT NOT NULL,
                    used_at        BIGINT,
                    session_id     TEXT
                )
                """,
                "CREATE INDEX authorization_codes_expiry ON authorization_codes (expires_at)",
            ]),
        Migration(
            version: 5, name: "second factor: TOTP, recovery codes, MFA tokens, authentication methods",
            statements: [
                // One TOTP secret per user, sealed by `SecretBox`; on once confirmed. `last_step` is
                // the newest 30-second step a code was accepted for: no code of it or before is
                // accepted again, on any process.
                """
                CREATE TABLE mfa_totp (
                    user_id    TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                    secret     TEXT NOT NULL,
                    confirmed  BOOLEAN NOT NULL,
                    last_step  BIGINT,
                    created_at BIGINT NOT NULL
                )
                """,
                // Kept by their SHA-256 (with the user id): each good once.
                """
                CREATE TABLE mfa_recovery_codes (
                    code_hash TEXT PRIMARY KEY,
                    user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    used_at   BIGINT
                )
                """,
                "CREATE INDEX mfa_recovery_codes_user ON mfa_recovery_codes (user_id)",
                // A password grant's pending login, waiting for its second factor.
                """
                CREATE TABLE mfa_tokens (
                    token_hash TEXT PRIMARY KEY,
                    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    scope      TEXT NOT NULL,
                    client_id  TEXT,
                    failures   INTEGER NOT NULL,
                    expires_at BIGINT NOT NULL,
                    used_at    BIGINT
                )
                """,
                "CREATE INDEX mfa_tokens_expiry ON mfa_tokens (expires_at)",
                // Kept beside `mfa_totp` in the same transactions: every user read carries it for free.
                "ALTER TABLE users ADD COLUMN mfa_enabled BOOLEAN NOT NULL DEFAULT FALSE",
                // RFC 8176 methods, space-separated; NULL: a session or code from before, "pwd".
                "ALTER TABLE sessions ADD COLUMN amr TEXT",
                "ALTER TABLE authorization_codes ADD COLUMN amr TEXT",
                // A sign-in page's second step: the user whose password was right, and wrong codes so far.
                "ALTER TABLE authorize_requests ADD COLUMN user_id TEXT",
                "ALTER TABLE authorize_requests ADD COLUMN failures INTEGER NOT NULL DEFAULT 0",
            ]),
        SharingSchema.migration,
        Migration(
            version: 7, name: "the device authorization grant",
            statements: [
                // A device's sign-in request (RFC 8628), found by the device code's hash at `/token` and
                // by its user code on `/device`. `interval_seconds` grows by 5 at each `slow_down`.
                """
                CREATE TABLE device_grants (
                    device_code_hash TEXT PRIMARY KEY,
                    user_code        TEXT NOT NULL,
                    client_id        TEXT NOT NULL,
                    scope            TEXT NOT NULL,
                    interval_seconds INTEGER NOT NULL,
                    created_at       BIGINT NOT NULL,
                    expires_at       BIGINT NOT NULL,
                    last_polled_at   BIGINT,
                    status           TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'used')),
                    user_id          TEXT REFERENCES users(id) ON DELETE CASCADE,
                    amr              TEXT
                )
                """,
                // One live request per user code; an old one keeps its row (a denied code stays denied).
                "CREATE UNIQUE INDEX device_grants_user_code ON device_grants (user_code) WHERE status = 'pending'",
                "CREATE INDEX device_grants_expiry ON device_grants (expires_at)",
                // A sign-in page for a device's request rather than for a redirect.
                "ALTER TABLE authorize_requests ADD COLUMN device_code_hash TEXT",
            ]),
        TaskFeedSchema.migration,
        OpenIDConnectSchema.migration,
        SingleSignOnSchema.migration,
        EventLogSchema.migration,
        LiveEventsSchema.migration,
        TaskCreatedEventSchema.migration,
        AgentsSchema.migration,
    ]

    /// Applies every migration the database lacks, each in its own transaction, and returns the
    /// versions applied. Safe to run at every start.
    @discardableResult
    static func run(on database: AppDatabase, upTo last: Int = .max) async throws -> [Int] {
        // Exclusive: processes starting together on an empty database apply each migration once,
        // and never race on creating the bookkeeping table.
        try await database.exclusiveWrite { sql in
            try await sql.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
            )
        }
        var applied: [Int] = []
        for migration in all where migration.version <= last {
            let didApply = try await database.exclusiveWrite { sql -> Bool in
                // Checked inside the exclusive transaction, so two processes never apply one migration twice.
                let existing = try await sql.first(
                    "SELECT version FROM schema_migrations WHERE version = \(bind: migration.version)", { try $0.int64(0) })
                guard existing == nil else { return false }
                for step in migration.steps {
                    switch step {
                    case .sql(let statement): try await sql.execute(SQLStatement(unsafeRaw: statement))
                    case .run(let work): try await work(sql)
                    }
                }
                try await sql.execute(
                    """
                    INSERT INTO schema_migrations (version, name, applied_at)
                    VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: Microseconds.from(.now)))
                    """)
                return true
            }
            if didApply { applied.append(migration.version) }
        }
        return applied
    }
}
