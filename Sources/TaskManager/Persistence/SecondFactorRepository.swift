import Foundation

/// TOTP enrolments, recovery codes and the password grant's pending logins (`mfa_token`). Each
/// check-and-use is one statement, so two processes never accept one code or one token twice.
struct SecondFactorRepository: Sendable {
    let database: AppDatabase

    struct Enrolment: Sendable, Equatable {
        /// As `SecretBox` sealed it.
        var sealedSecret: String
        var confirmed: Bool
        /// The newest TOTP step accepted; no code of it or before is accepted again.
        var lastStep: Int64?
    }

    func enrolment(userID: String) async throws -> Enrolment? {
        try await database.read { sql in
            try await sql.first(
                "SELECT secret, confirmed, last_step FROM mfa_totp WHERE user_id = \(bind: userID)",
                { Enrolment(sealedSecret: try $0.string(0), confirmed: try $0.bool(1), lastStep: try $0.optionalInt64(2)) })
        }
    }

    /// Stores a new, unconfirmed secret, replacing an unconfirmed one; `false` when the second
    /// factor is on already (a confirmed row is never overwritten, even by a racing call).
    func start(userID: String, sealedSecret: String, now: Date) async throws -> Bool {
        try await database.write { sql in
            try await sql.first(
                """
                INSERT INTO mfa_totp (user_id, secret, confirmed, last_step, created_at)
                VALUES (\(bind: userID), \(bind: sealedSecret), \(bind: false), NULL, \(bind: Microseconds.from(now)))
                ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, last_step = NULL, created_at = excluded.created_at
                WHERE mfa_totp.confirmed = \(bind: false)
                RETURNING user_id
                """, { try $0.string(0) }) != nil
        }
    }

    /// Turns a pending enrolment on, with `step` used and these recovery codes (replacing any);
    /// `false` when none was pending.
    func confirm(userID: String, step: Int64, recoveryCodeHashes: [String]) async throws -> Bool {
        let confirmed = try await database.write { sql -> Bool in
            let updated = try await sql.first(
                """
                UPDATE mfa_totp SET confirmed = \(bind: true), last_step = \(bind: step)
                WHERE user_id = \(bind: userID) AND confirmed = \(bind: false) RETURNING user_id
                """, { try $0.string(0) })
            guard updated != nil else { return false }
            try await sql.execute("DELETE FROM mfa_recovery_codes WHERE user_id = \(bind: userID)")
            for hash in recoveryCodeHashes {
                try await sql.execute(
                    "INSERT INTO mfa_recovery_codes (code_hash, user_id) VALUES (\(bind: hash), \(bind: userID))")
            }
            try await sql.execute("UPDATE users SET mfa_enabled = \(bind: true) WHERE id = \(bind: userID)")
            return true
        }
        database.sessionCache.evict(userID: userID)
        return confirmed
    }

    /// Records `step` as used when it is newer than the last one used: `false` for a replay.
    func useStep(userID: String, step: Int64) async throws -> Bool {
        try await database.write { sql in
            try await sql.first(
                """
                UPDATE mfa_totp SET last_step = \(bind: step)
                WHERE user_id = \(bind: userID) AND confirmed = \(bind: true) AND (last_step IS NULL OR last_step < \(bind: step))
                RETURNING user_id
                """, { try $0.string(0) }) != nil
        }
    }

    /// Uses up a recovery code of the user's: `false` when it is not one, or was used.
    func useRecoveryCode(userID: String, hash: String, now: Date) async throws -> Bool {
        try await database.write { sql in
            try await sql.first(
                """
                UPDATE mfa_recovery_codes SET used_at = \(bind: Microseconds.from(now))
                WHERE code_hash = \(bind: hash) AND user_id = \(bind: userID) AND used_at IS NULL RETURNING code_hash
                """, { try $0.string(0) }) != nil
        }
    }

    /// Turns the second factor off (or drops a pending enrolment), with its recovery codes and
    /// pending logins; `false` when there was neither.
    func remove(userID: String) async throws -> Bool {
        let removed = try await database.write { sql -> Bool in
            let row = try await sql.first("DELETE FROM mfa_totp WHERE user_id = \(bind: userID) RETURNING user_id", { try $0.string(0) })
            try await sql.execute("DELETE FROM mfa_recovery_codes WHERE user_id = \(bind: userID)")
            try await sql.execute("DELETE FROM mfa_tokens WHERE user_id = \(bind: userID)")
            try await sql.execute("UPDATE users SET mfa_enabled = \(bind: false) WHERE id = \(bind: userID)")
            return row != nil
        }
        database.sessionCache.evict(userID: userID)
        return removed
    }

    /// Every stored secret with its user: what start-up checks against `--secrets-key`.
    func secrets() async throws -> [(userID: String, sealedSecret: String)] {
        try await database.read { sql in
            try await sql.all("SELECT user_id, secret FROM mfa_totp", { (try $0.string(0), try $0.string(1)) })
        }
    }

    /// Replaces a secret's sealed form, unless it changed meanwhile.
    func reseal(userID: String, from old: String, to new: String) async throws {
        try await database.write { sql in
            try await sql.execute(
                "UPDATE mfa_totp SET secret = \(bind: new) WHERE user_id = \(bind: userID) AND secret = \(bind: old)")
        }
    }
}

extension SecondFactorRepository {
    /// A password grant that waits for its second factor: what its `mfa_token` stands for.
    struct PendingLogin: Sendable, Equatable {
        var userID: String
        var scopes: [Scope]
        /// The `client_id` the password grant named, if any: the second request must name it too.
        var clientID: String?
        var failures = 0
        var expiresAt: Date
        var used = false
    }

    /// Stores a pending login by its token's hash; drops those past their time while at it.
    func savePendingLogin(hash: String, _ login: PendingLogin, now: Date) async throws {
        try await database.write { sql in
            try await sql.execute("DELETE FROM mfa_tokens WHERE expires_at <= \(bind: Microseconds.from(now))")
            try await sql.execute(
                """
                INSERT INTO mfa_tokens (token_hash, user_id, scope, client_id, failures, expires_at)
                VALUES (\(bind: hash), \(bind: login.userID), \(bind: Scope.joined(login.scopes)), \(bind: login.clientID),
                        \(bind: login.failures), \(bind: Microseconds.from(login.expiresAt)))
                """)
        }
    }

    func pendingLogin(hash: String) async throws -> PendingLogin? {
        try await database.read { sql in
            try await sql.first(
                "SELECT user_id, scope, client_id, failures, expires_at, used_at FROM mfa_tokens WHERE token_hash = \(bind: hash)"
            ) { row in
                PendingLogin(
                    userID: try row.string(0), scopes: Scope.parseList(try row.string(1)) ?? [], clientID: try row.optionalString(2),
                    failures: try row.int(3), expiresAt: Microseconds.date(try row.int64(4)), used: try row.optionalInt64(5) != nil)
            }
        }
    }

    func recordWrongCode(hash: String) async throws {
        try await database.write { sql in
            try await sql.execute("UPDATE mfa_tokens SET failures = failures + 1 WHERE token_hash = \(bind: hash)")
        }
    }

    /// Uses the token up when it is still good: `false` when another request used it first, it
    /// expired, or it saw `maximumFailures` wrong codes.
    func finishPendingLogin(hash: String, now: Date, maximumFailures: Int) async throws -> Bool {
        let nowValue = Microseconds.from(now)
        return try await database.write { sql in
            try await sql.first(
                """
                UPDATE mfa_tokens SET used_at = \(bind: nowValue)
                WHERE token_hash = \(bind: hash) AND used_at IS NULL AND expires_at > \(bind: nowValue)
                  AND failures < \(bind: maximumFailures)
                RETURNING token_hash
                """, { try $0.string(0) }) != nil
        }
    }
}
