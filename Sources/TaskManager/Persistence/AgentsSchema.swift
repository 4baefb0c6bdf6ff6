/// Migration 14: what agents need (API.md, "Agents").
///
/// - RFC 8707: the resource a token is for, kept by a sign-in page's request, its code and the
///   session the code opens (`NULL`: the API), so that every token of a session has one audience.
/// - RFC 7591: a client registered by anyone at `POST /register` keeps the address it came from
///   (`NULL`: made by an admin), which counts registrations per address across processes and marks
///   the client "not verified by TaskManager".
enum AgentsSchema {
    static let migration = Migrations.Migration(
        version: 14, name: "token audiences (RFC 8707), clients registered by anyone (RFC 7591)",
        statements: [
            "ALTER TABLE authorize_requests ADD COLUMN resource TEXT",
            "ALTER TABLE authorization_codes ADD COLUMN resource TEXT",
            "ALTER TABLE sessions ADD COLUMN resource TEXT",
            "ALTER TABLE clients ADD COLUMN registered_from TEXT",
            "CREATE INDEX clients_registered_from ON clients (registered_from, created_at) WHERE registered_from IS NOT NULL",
        ])
}
