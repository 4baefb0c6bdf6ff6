import Foundation

/// Registered OAuth clients (the built-in ones are not stored). Redirect URIs are kept one per line
/// (they cannot hold whitespace), scopes space-separated.
struct ClientRepository: Sendable {
    let database: AppDatabase

    func create(_ client: OAuthClient) async throws {
        try await database.write { sql in try await Self.insert(client, on: sql) }
    }

    private static func insert(_ client: OAuthClient, on sql: SQLConnection) async throws {
        try await sql.execute(
            """
            INSERT INTO clients (id, name, redirect_uris, confidential, secret_hash, scopes, created_at, post_logout_redirect_uris,
                                 registered_from)
            VALUES (\(bind: client.id), \(bind: client.name), \(bind: client.redirectURIs.joined(separator: "\n")),
                    \(bind: client.confidential), \(bind: client.secretHash), \(bind: Scope.joined(client.scopes)),
                    \(bind: Microseconds.from(client.createdAt)), \(bind: client.postLogoutRedirectURIs.joined(separator: "\n")),
                    \(bind: client.registeredFrom))
            """)
    }

    /// Stores a client registered by anyone (RFC 7591) unless its address registered `limit`
    /// within the `window` before: then `nil` and when the oldest of those leaves the window.
    /// Counted and stored in one exclusive transaction, so processes together keep the limit.
    func createOpenly(_ client: OAuthClient, limit: Int, window: TimeInterval) async throws -> Date? {
        let address = client.registeredFrom ?? ""
        let since = Microseconds.from(client.createdAt.addingTimeInterval(-window))
        return try await database.exclusiveWrite { sql -> Date? in
            let recent = try await sql.all(
                """
                SELECT created_at FROM clients WHERE registered_from = \(bind: address) AND created_at > \(bind: since)
                ORDER BY created_at
                """, { try $0.int64(0) })
            if recent.count >= limit { return Microseconds.date(recent[recent.count - limit]).addingTimeInterval(window) }
            try await Self.insert(client, on: sql)
            return nil
        }
    }

    /// Removes the clients registered by anyone that were made before `before` and have no
    /// session used since then nor any live one (retention); returns how many.
    func removeUnused(before: Date, now: Date) async throws -> Int {
        let cutoff = Microseconds.from(before)
        // One statement decides and deletes, so that a session opened meanwhile keeps its client
        // (or, committed after it, finds no client at its next refresh, as after an admin's delete).
        let ended = try await database.write { sql -> [String] in
            let ids = try await sql.all(
                """
                DELETE FROM clients
                WHERE registered_from IS NOT NULL AND created_at < \(bind: cutoff)
                  AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.client_id = clients.id
                                  AND (s.last_used_at >= \(bind: cutoff)
                                       OR (s.revoked_at IS NULL AND s.expires_at > \(bind: Microseconds.from(now)))))
                RETURNING id
                """, { try $0.string(0) })
            for id in ids { try await sql.execute("DELETE FROM consents WHERE client_id = \(bind: id)") }
            return ids
        }
        return ended.count
    }

    func find(id: String) async throws -> OAuthClient? {
        try await database.read { sql in
            try await sql.first("SELECT \(unsafeRaw: Self.columns) FROM clients WHERE id = \(bind: id)", { try Self.decode($0) })
        }
    }

    /// Every registered client, oldest first.
    func all() async throws -> [OAuthClient] {
        try await database.read { sql in
            try await sql.all("SELECT \(unsafeRaw: Self.columns) FROM clients ORDER BY created_at, id", { try Self.decode($0) })
        }
    }

    /// Removes the client, its remembered consents and every login session made through it, in one transaction;
    /// `false` when there was no such client.
    func delete(id: String, now: Date) async throws -> Bool {
        let deleted = try await database.write { sql -> Bool in
            guard try await sql.first("DELETE FROM clients WHERE id = \(bind: id) RETURNING id", { try $0.string(0) }) != nil else {
                return false
            }
            try await sql.execute("DELETE FROM consents WHERE client_id = \(bind: id)")
            try await sql.execute(
                "UPDATE sessions SET revoked_at = \(bind: Microseconds.from(now)) WHERE client_id = \(bind: id) AND revoked_at IS NULL")
            return true
        }
        // Sessions of many users ended: this process forgets every cached one.
        if deleted { database.sessionCache.evictAll() }
        return deleted
    }

    private static let columns =
        "id, name, redirect_uris, confidential, secret_hash, scopes, created_at, post_logout_redirect_uris, registered_from"

    private static func decode(_ row: SQLRow) throws -> OAuthClient {
        OAuthClient(
            id: try row.string(0),
            name: try row.string(1),
            redirectURIs: try row.string(2).split(separator: "\n").map(String.init),
            confidential: try row.bool(3),
            secretHash: try row.optionalString(4),
            scopes: Scope.parseList(try row.string(5)) ?? [],
            createdAt: Microseconds.date(try row.int64(6)),
            postLogoutRedirectURIs: try row.string(7).split(separator: "\n").map(String.init),
            registeredFrom: try row.optionalString(8))
    }
}
