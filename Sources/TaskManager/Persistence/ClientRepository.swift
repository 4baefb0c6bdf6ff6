import Foundation

/// Registered OAuth clients (the built-in ones are not stored). Redirect URIs are kept one per line
/// (they cannot hold whitespace), scopes space-separated.
struct ClientRepository: Sendable {
    let database: AppDatabase

    func create(_ client: OAuthClient) async throws {
        try await database.write { sql in
            try await sql.execute(
                """
                INSERT INTO clients (id, name, redirect_uris, confidential, secret_hash, scopes, created_at, post_logout_redirect_uris)
                VALUES (\(bind: client.id), \(bind: client.name), \(bind: client.redirectURIs.joined(separator: "\n")),
                        \(bind: client.confidential), \(bind: client.secretHash), \(bind: Scope.joined(client.scopes)),
                        \(bind: Microseconds.from(client.createdAt)), \(bind: client.postLogoutRedirectURIs.joined(separator: "\n")))
                """)
        }
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

    private static let columns = "id, name, redirect_uris, confidential, secret_hash, scopes, created_at, post_logout_redirect_uris"

    private static func decode(_ row: SQLRow) throws -> OAuthClient {
        OAuthClient(
            id: try row.string(0),
            name: try row.string(1),
            redirectURIs: try row.string(2).split(separator: "\n").map(String.init),
            confidential: try row.bool(3),
            secretHash: try row.optionalString(4),
            scopes: Scope.parseList(try row.string(5)) ?? [],
            createdAt: Microseconds.date(try row.int64(6)),
            postLogoutRedirectURIs: try row.string(7).split(separator: "\n").map(String.init))
    }
}
