import Foundation

/// JWT signing keys kept in the database, so that restarts and replicas sign and verify alike.
/// Private halves of the asymmetric keys are sealed with `--secrets-key` when it is set (as TOTP
/// secrets are); the HS256 keys of v3, whose text is the key, stay as they were written.
struct SigningKeyRepository: Sendable {
    let database: AppDatabase
    let box: SecretBox

    /// A stored key: `retiredAt` is when another took over signing (`nil`: it signs).
    struct Entry: Sendable {
        var key: SigningKey
        var createdAt: Date
        var retiredAt: Date?
    }

    enum Failure: Error, CustomStringConvertible {
        case cannotOpen(kid: String)
        /// With `--secrets-key` set, a private key stored in the clear is refused: whoever can write
        /// the database could have put it there. The server seals them when it starts.
        case notSealed(kid: String)

        var description: String {
            switch self {
            case .cannotOpen(let kid):
                "the signing key \(kid) is encrypted and does not open with this --secrets-key (or none is set): start with the key it was stored with"
            case .notSealed(let kid):
                "the signing key \(kid) is stored unencrypted: start the server with this --secrets-key once, and it seals the stored keys"
            }
        }
    }

    /// Every key, those that sign first, newest first.
    func all() async throws -> [Entry] {
        let rows = try await database.read { sql in
            try await sql.all(
                """
                SELECT kid, alg, secret, created_at, retired_at FROM signing_keys
                ORDER BY CASE WHEN retired_at IS NULL THEN 0 ELSE 1 END, created_at DESC, kid DESC
                """
            ) { row in
                (
                    kid: try row.string(0), alg: try row.string(1), secret: try row.string(2),
                    createdAt: Microseconds.date(try row.int64(3)), retiredAt: try row.optionalInt64(4).map(Microseconds.date)
                )
            }
        }
        return try rows.compactMap { row in
            // A key of an algorithm this build does not know is left alone, not fatal.
            guard let algorithm = SigningAlgorithm(rawValue: row.alg) else { return nil }
            let bytes: [UInt8]
            if algorithm == .hs256 {
                bytes = Array(row.secret.utf8)
            } else {
                guard box.key == nil || SecretBox.isSealed(row.secret) else { throw Failure.notSealed(kid: row.kid) }
                do { bytes = try box.open(row.secret, context: Self.context(row.kid, algorithm)) } catch { throw Failure.cannotOpen(kid: row.kid) }
            }
            return Entry(
                key: try SigningKey(kid: row.kid, algorithm: algorithm, privateBytes: bytes), createdAt: row.createdAt,
                retiredAt: row.retiredAt)
        }
    }

    /// Makes sure an asymmetric key of `algorithm` signs: on first start one is generated; when
    /// the setting names another algorithm than the signing key's, a new key takes over (the old
    /// one verifies what it signed until that expires). The v3 HS256 key, if any, is retired at the
    /// same time: its tokens keep verifying until they expire. Checked and written in one
    /// transaction, so processes starting together agree.
    func ensureSigning(_ algorithm: SigningAlgorithm, now: Date) async throws -> [Entry] {
        try await sealStoredKeys()
        if try await signingAlgorithm() != algorithm {
            // Generated outside the transaction (an RSA key takes a while), used only if still wanted.
            let fresh = try SigningKey.generate(algorithm)
            let sealed = try box.seal(fresh.privateBytes, context: Self.context(fresh.kid, algorithm))
            try await database.exclusiveWrite { sql in
                try await sql.execute(
                    "UPDATE signing_keys SET retired_at = \(bind: Microseconds.from(now)) WHERE alg = 'HS256' AND retired_at IS NULL")
                let signing = try await sql.first(
                    "SELECT alg FROM signing_keys WHERE retired_at IS NULL AND alg <> 'HS256' LIMIT 1", { try $0.string(0) })
                guard signing != algorithm.rawValue else { return }
                try await Self.insertSigning(fresh.kid, algorithm: algorithm, sealed: sealed, now: now, sql: sql)
            }
        }
        return try await all()
    }

    /// Adds `key` as the one that signs from now on; the others are retired but still verify the
    /// tokens they signed until those expire.
    func rotate(to key: SigningKey, now: Date) async throws {
        let sealed = try box.seal(key.privateBytes, context: Self.context(key.kid, key.algorithm))
        // Exclusive: two rotations at once still leave exactly one key that signs.
        try await database.exclusiveWrite { sql in
            try await Self.insertSigning(key.kid, algorithm: key.algorithm, sealed: sealed, now: now, sql: sql)
        }
    }

    /// The algorithm of the key that signs now, if any.
    func signingAlgorithm() async throws -> SigningAlgorithm? {
        try await database.read { sql in
            try await sql.first("SELECT alg FROM signing_keys WHERE retired_at IS NULL AND alg <> 'HS256' LIMIT 1") {
                SigningAlgorithm(rawValue: try $0.string(0))
            } ?? nil
        }
    }

    /// Whether any stored private key is sealed: `keys rotate` then needs the same `--secrets-key`.
    func anySealed() async throws -> Bool {
        try await database.read { sql in
            try await sql.first("SELECT COUNT(*) FROM signing_keys WHERE secret LIKE 'v1:%'") { try $0.int(0) } ?? 0 > 0
        }
    }

    private static func insertSigning(_ kid: String, algorithm: SigningAlgorithm, sealed: String, now: Date, sql: SQLConnection) async throws {
        try await sql.execute(
            "UPDATE signing_keys SET retired_at = \(bind: Microseconds.from(now)) WHERE retired_at IS NULL AND alg <> 'HS256'")
        try await sql.execute(
            """
            INSERT INTO signing_keys (kid, alg, secret, created_at)
            VALUES (\(bind: kid), \(bind: algorithm.rawValue), \(bind: sealed), \(bind: Microseconds.from(now)))
            """)
    }

    /// What a sealed key is bound to: moved to another row, or named another algorithm, it does not open.
    private static func context(_ kid: String, _ algorithm: SigningAlgorithm) -> String {
        "signing-key:\(algorithm.rawValue):\(kid)"
    }

    /// With `--secrets-key` set, seals the private keys stored before it was (as TOTP secrets are).
    private func sealStoredKeys() async throws {
        guard box.key != nil else { return }
        try await database.exclusiveWrite { [box] sql in
            let plain = try await sql.all(
                "SELECT kid, alg, secret FROM signing_keys WHERE alg <> 'HS256' AND secret NOT LIKE 'v1:%'"
            ) { row in (kid: try row.string(0), alg: try row.string(1), secret: try row.string(2)) }
            for row in plain {
                guard let algorithm = SigningAlgorithm(rawValue: row.alg) else { continue }
                let bytes: [UInt8]
                do { bytes = try box.open(row.secret, context: Self.context(row.kid, algorithm)) } catch { throw Failure.cannotOpen(kid: row.kid) }
                let sealed = try box.seal(bytes, context: Self.context(row.kid, algorithm))
                try await sql.execute("UPDATE signing_keys SET secret = \(bind: sealed) WHERE kid = \(bind: row.kid)")
            }
        }
    }
}
