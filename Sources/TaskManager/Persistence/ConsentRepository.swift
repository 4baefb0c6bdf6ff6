import Foundation

/// Remembered consents: the scopes a person allowed a client, one row per user and client.
struct ConsentRepository: Sendable {
    let database: AppDatabase

    struct Consent: Sendable, Equatable {
        var clientID: String
        var scopes: [Scope]
        var createdAt: Date
    }

    /// Adds `scopes` to what the user allowed the client (the row is made by the first Allow).
    /// The row is made first, then read locked and widened: two Allows at once both count.
    func remember(userID: String, clientID: String, scopes: [Scope], now: Date) async throws {
        try await database.write { sql in
            try await sql.execute(
                """
                INSERT INTO consents (user_id, client_id, scope, created_at)
                VALUES (\(bind: userID), \(bind: clientID), '', \(bind: Microseconds.from(now)))
                ON CONFLICT (user_id, client_id) DO NOTHING
                """)
            // SQLite's writes are one at a time already; PostgreSQL's row lock makes them so here.
            let lock = sql.dialect == .postgres ? " FOR UPDATE" : ""
            let earlier = try await sql.first(
                "SELECT scope FROM consents WHERE user_id = \(bind: userID) AND client_id = \(bind: clientID)\(unsafeRaw: lock)",
                { try $0.string(0) })
            let widened = Set(Scope.parseList(earlier ?? "") ?? []).union(scopes).sorted()
            try await sql.execute(
                """
                UPDATE consents SET scope = \(bind: Scope.joined(widened))
                WHERE user_id = \(bind: userID) AND client_id = \(bind: clientID)
                """)
        }
    }

    /// What the user allowed the client, or `nil`.
    func find(userID: String, clientID: String) async throws -> [Scope]? {
        try await database.read { sql in
            try await sql.first(
                "SELECT scope FROM consents WHERE user_id = \(bind: userID) AND client_id = \(bind: clientID)",
                { Scope.parseList(try $0.string(0)) ?? [] })
        }
    }

    /// The user's consents, newest first.
    func all(userID: String) async throws -> [Consent] {
        try await database.read { sql in
            try await sql.all(
                "SELECT client_id, scope, created_at FROM consents WHERE user_id = \(bind: userID) ORDER BY created_at DESC, client_id",
                { Consent(clientID: try $0.string(0), scopes: Scope.parseList(try $0.string(1)) ?? [], createdAt: Microseconds.date(try $0.int64(2))) })
        }
    }

    /// Forgets one; `false` when there was none.
    func delete(userID: String, clientID: String) async throws -> Bool {
        try await database.write { sql in
            try await sql.first(
                "DELETE FROM consents WHERE user_id = \(bind: userID) AND client_id = \(bind: clientID) RETURNING client_id",
                { try $0.string(0) }) != nil
        }
    }
}
