import Foundation

/// JWT signing keys kept in the database, so that restarts and replicas sign and verify alike.
struct SigningKeyRepository: Sendable {
    let database: AppDatabase

    struct StoredKey: Sendable, Equatable {
        var kid: String
        var secret: String
        var createdAt: Date

        /// A new random 256-bit key, written as base64url text; its UTF-8 bytes are the HMAC key.
        static func generate(at date: Date) -> StoredKey {
            var random = SystemRandomNumberGenerator()
            let secret = Base64URL.encode((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &random) })
            return StoredKey(kid: TokenService.kid(forSecret: Array(secret.utf8)), secret: secret, createdAt: date)
        }
    }

    /// All keys, the one that signs (never retired) first; every one verifies.
    func all() async throws -> [StoredKey] {
        try await database.read { sql in
            try await sql.all(
                """
                SELECT kid, secret, created_at FROM signing_keys
                ORDER BY CASE WHEN retired_at IS NULL THEN 0 ELSE 1 END, created_at DESC, kid DESC
                """
            ) { row in
                StoredKey(
                    kid: try row.string(0), secret: try row.string(1), createdAt: Microseconds.date(try row.int64(2)))
            }
        }
    }

    /// Stores `key` unless the database already has one; returns the keys either way. Checked and
    /// written in one transaction, so processes starting together on an empty database agree.
    func createIfEmpty(_ key: StoredKey) async throws -> [StoredKey] {
        try await database.exclusiveWrite { sql in
            if try await sql.first("SELECT kid FROM signing_keys LIMIT 1", { try $0.string(0) }) == nil {
                try await sql.execute(
                    """
                    INSERT INTO signing_keys (kid, secret, created_at)
                    VALUES (\(bind: key.kid), \(bind: key.secret), \(bind: Microseconds.from(key.createdAt)))
                    """)
            }
        }
        return try await all()
    }
}

extension SigningKeyRepository {
    /// Adds `key` as the one that signs from now on; the others are retired but still verify the
    /// tokens they signed until those expire.
    func rotate(to key: StoredKey) async throws {
        // Exclusive: two rotations at once still leave exactly one key that signs.
        try await database.exclusiveWrite { sql in
            try await sql.execute(
                "UPDATE signing_keys SET retired_at = \(bind: Microseconds.from(key.createdAt)) WHERE retired_at IS NULL")
            try await sql.execute(
                """
                INSERT INTO signing_keys (kid, secret, created_at)
                VALUES (\(bind: key.kid), \(bind: key.secret), \(bind: Microseconds.from(key.createdAt)))
                """)
        }
    }
}

extension TokenService.SigningKey {
    init(_ stored: SigningKeyRepository.StoredKey) {
        self.init(kid: stored.kid, secret: Array(stored.secret.utf8))
    }
}
