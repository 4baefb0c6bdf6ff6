import Foundation
import SQLKit

/// JWT signing keys kept in the database, so that restarts and replicas sign and verify alike.
struct SigningKeyRepository: Sendable {
    let database: Database

    struct StoredKey: Sendable, Equatable {
        var kid: String
        var secret: String
        var createdAt: Date
    }

    /// All keys, newest first: the first signs, every one verifies.
    func all() async throws -> [StoredKey] {
        try await database.read { sql in
            try await sql.raw("SELECT kid, secret, created_at FROM signing_keys ORDER BY created_at DESC, kid DESC")
                .all().map { row in
                    StoredKey(
                        kid: try row.decode(column: "kid", as: String.self),
                        secret: try row.decode(column: "secret", as: String.self),
                        createdAt: Microseconds.date(try row.decode(column: "created_at", as: Int64.self)))
                }
        }
    }

    /// Stores `key` unless the database already has one; returns the keys either way. Checked and
    /// written in one transaction, so processes starting together on an empty database agree.
    func createIfEmpty(_ key: StoredKey) async throws -> [StoredKey] {
        try await database.write { sql in
            if try await sql.raw("SELECT kid FROM signing_keys").first() == nil {
                try await sql.raw(
                    """
                    INSERT INTO signing_keys (kid, secret, created_at)
                    VALUES (\(bind: key.kid), \(bind: key.secret), \(bind: Microseconds.from(key.createdAt)))
                    """
                ).run()
            }
        }
        return try await all()
    }
}
