import Foundation

/// Browser sign-in sessions: rows of `sessions` of kind `browser`, each found by its cookie's
/// SHA-256 (the cookie itself is never stored). Ending one is `SessionRepository.revoke`.
struct BrowserSessionRepository: Sendable {
    let database: AppDatabase

    /// Stores a new browser session and ends the one this browser had (`replacing`), in one transaction.
    func open(_ session: LoginSession, cookieHash: String, replacing oldCookieHash: String?, now: Date) async throws {
        try await database.write { sql in
            if let oldCookieHash {
                try await sql.execute(
                    """
                    UPDATE sessions SET revoked_at = \(bind: Microseconds.from(now))
                    WHERE cookie_hash = \(bind: oldCookieHash) AND revoked_at IS NULL
                    """)
            }
            try await SessionRepository.insert(session, cookieHash: cookieHash, on: sql)
        }
    }

    /// The browser session the cookie names, with its user, whatever their state.
    func find(cookieHash: String) async throws -> (session: LoginSession, user: User)? {
        try await database.read { sql in
            try await sql.first(
                """
                SELECT \(unsafeRaw: SessionRepository.sessionColumns), \(unsafeRaw: UserRepository.joinedColumns)
                FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.cookie_hash = \(bind: cookieHash) AND s.kind = 'browser'
                """
            ) { row in
                (try SessionRepository.decodeSession(row), try UserRepository.decode(row, from: SessionRepository.sessionColumnCount))
            }
        }
    }

    /// The browser session by its id (a consent page names it), with its user.
    func find(id: String) async throws -> (session: LoginSession, user: User)? {
        guard let found = try await SessionRepository(database: database).findWithUser(sessionID: id), found.session.kind == .browser
        else { return nil }
        return (found.session, found.user)
    }

    /// Records a use: the session's idle time starts again (`expiresAt`, never past its maximum).
    func markUsed(sessionID: String, expiresAt: Date, now: Date) async throws {
        try await database.write { sql in
            try await sql.execute(
                """
                UPDATE sessions SET last_used_at = \(bind: Microseconds.from(now)), expires_at = \(bind: Microseconds.from(expiresAt))
                WHERE id = \(bind: sessionID) AND revoked_at IS NULL
                """)
        }
    }
}
