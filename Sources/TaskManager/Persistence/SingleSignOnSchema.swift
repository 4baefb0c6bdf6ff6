/// Migration 10: the browser sign-in session (single sign-on), remembered consents, and where a
/// client may be sent after a logout.
///
/// A browser session is a row of `sessions` (`kind` 'browser'), so that a password change, a
/// disabled account, `DELETE /me/sessions` and the listing treat it as they treat token sessions;
/// its cookie is kept as a SHA-256 only. `auth_time` is when the person last entered their password:
/// a token session made through `/authorize` or `/device` takes it from the browser session, and
/// the code or the device's approval carries it there.
enum SingleSignOnSchema {
    static let migration = Migrations.Migration(
        version: 10, name: "browser sign-in sessions, remembered consents, post-logout redirect URIs",
        statements: [
            "ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'token'",
            "ALTER TABLE sessions ADD COLUMN cookie_hash TEXT",
            "CREATE UNIQUE INDEX sessions_cookie ON sessions (cookie_hash)",
            "ALTER TABLE sessions ADD COLUMN auth_time BIGINT",
            "ALTER TABLE authorization_codes ADD COLUMN auth_time BIGINT",
            "ALTER TABLE device_grants ADD COLUMN auth_time BIGINT",
            // A consent page ("signed in as"): the browser session whose Allow it waits for.
            "ALTER TABLE authorize_requests ADD COLUMN browser_session_id TEXT",
            "ALTER TABLE clients ADD COLUMN post_logout_redirect_uris TEXT NOT NULL DEFAULT ''",
            // What a person allowed a client, by user and client: one row, its scopes widened by each Allow.
            """
            CREATE TABLE consents (
                user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                client_id  TEXT NOT NULL,
                scope      TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (user_id, client_id)
            )
            """,
            "CREATE INDEX consents_client ON consents (client_id)",
        ])
}
