import Foundation
import SQLKit

/// Login sessions, and the one query every authenticated request makes.
struct SessionRepository: Sendable {
    let database: Database

    func create(_ session: LoginSession) async throws {
        try await database.write { sql in try await Self.insert(session, on: sql) }
    }

    /// The session and its user, in one indexed lookup: what a bearer token is checked against.
    func findWithUser(sessionID: String) async throws -> (session: LoginSession, user: User)? {
        try await database.read { sql in
            guard
                let row = try await sql.raw(
                    """
                    SELECT \(unsafeRaw: Self.sessionColumns), \(unsafeRaw: Self.userColumns)
                    FROM sessions s JOIN users u ON u.id = s.user_id
                    WHERE s.id = \(bind: sessionID)
                    """
                ).first()
            else { return nil }
            return (try Self.decodeSession(row, prefix: "s_"), try UserRepository.decode(row))
        }
    }

    static func decodeSession(_ row: any SQLRow, prefix: String = "") throws -> LoginSession {
        LoginSession(
            id: try row.decode(column: prefix + "id", as: String.self),
            userID: try row.decode(column: prefix + "user_id", as: String.self),
            scopes: Scope.parseList(try row.decode(column: prefix + "scope", as: String.self)) ?? [],
            createdAt: Microseconds.date(try row.decode(column: prefix + "created_at", as: Int64.self)),
            lastUsedAt: Microseconds.date(try row.decode(column: prefix + "last_used_at", as: Int64.self)),
            expiresAt: Microseconds.date(try row.decode(column: prefix + "expires_at", as: Int64.self)),
            userAgent: try row.decode(column: prefix + "user_agent", as: String?.self),
            revokedAt: try row.decode(column: prefix + "revoked_at", as: Int64?.self).map(Microseconds.date))
    }
}

extension SessionRepository {
    /// Opens a session with its first refresh token, in one transaction.
    func create(_ session: LoginSession, refreshTokenHash: String) async throws {
        try await database.write { sql in
            try await Self.insert(session, on: sql)
            try await sql.raw(
                """
                INSERT INTO refresh_tokens (token_hash, session_id, created_at)
                VALUES (\(bind: refreshTokenHash), \(bind: session.id), \(bind: Microseconds.from(session.createdAt)))
                """
            ).run()
        }
    }

    struct RefreshTokenRecord: Sendable {
        var session: LoginSession
        var user: User
        var usedAt: Date?
    }

    /// The refresh token's session and user, whatever their state.
    func findRefreshToken(hash: String) async throws -> RefreshTokenRecord? {
        try await database.read { sql in
            guard
                let row = try await sql.raw(
                    """
                    SELECT rt.used_at AS rt_used_at, \(unsafeRaw: Self.sessionColumns), \(unsafeRaw: Self.userColumns)
                    FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id JOIN users u ON u.id = s.user_id
                    WHERE rt.token_hash = \(bind: hash)
                    """
                ).first()
            else { return nil }
            return RefreshTokenRecord(
                session: try Self.decodeSession(row, prefix: "s_"), user: try UserRepository.decode(row),
                usedAt: try row.decode(column: "rt_used_at", as: Int64?.self).map(Microseconds.date))
        }
    }

    /// Marks `hash` used and stores its successor, unless it was already used — by a concurrent
    /// refresh too, since the check and the mark are one statement. `false`: it had been used.
    func rotate(hash: String, to newHash: String, sessionID: String, userAgent: String?, now: Date) async throws -> Bool {
        try await database.write { sql in
            let marked = try await sql.raw(
                """
                UPDATE refresh_tokens SET used_at = \(bind: Microseconds.from(now))
                WHERE token_hash = \(bind: hash) AND used_at IS NULL RETURNING token_hash
                """
            ).first()
            guard marked != nil else { return false }
            try await sql.raw(
                """
                INSERT INTO refresh_tokens (token_hash, session_id, created_at)
                VALUES (\(bind: newHash), \(bind: sessionID), \(bind: Microseconds.from(now)))
                """
            ).run()
            try await sql.raw(
                """
                UPDATE sessions SET last_used_at = \(bind: Microseconds.from(now)),
                    user_agent = COALESCE(\(bind: userAgent), user_agent)
                WHERE id = \(bind: sessionID)
                """
            ).run()
            return true
        }
    }

    /// Ends a session; `true` when it was live.
    @discardableResult
    func revoke(sessionID: String, ownedBy userID: String? = nil, now: Date) async throws -> Bool {
        try await database.write { sql in
            var query: SQLQueryString = """
                UPDATE sessions SET revoked_at = \(bind: Microseconds.from(now))
                WHERE id = \(bind: sessionID) AND revoked_at IS NULL AND expires_at > \(bind: Microseconds.from(now))
                """
            if let userID { query += " AND user_id = \(bind: userID)" }
            return try await sql.raw(query + " RETURNING id").first() != nil
        }
    }

    /// Ends every live session of the user, but `keeping` one.
    func revokeAll(userID: String, keeping: String? = nil, now: Date) async throws {
        try await database.write { sql in try await Self.revokeAll(userID: userID, keeping: keeping, now: now, on: sql) }
    }

    static func revokeAll(userID: String, keeping: String?, now: Date, on sql: any SQLDatabase) async throws {
        var query: SQLQueryString = """
            UPDATE sessions SET revoked_at = \(bind: Microseconds.from(now))
            WHERE user_id = \(bind: userID) AND revoked_at IS NULL
            """
        if let keeping { query += " AND id <> \(bind: keeping)" }
        try await sql.raw(query).run()
    }

    /// The user's live sessions, newest first.
    func listLive(userID: String, now: Date) async throws -> [LoginSession] {
        try await database.read { sql in
            try await sql.raw(
                """
                SELECT \(unsafeRaw: Self.sessionColumns) FROM sessions s
                WHERE s.user_id = \(bind: userID) AND s.revoked_at IS NULL AND s.expires_at > \(bind: Microseconds.from(now))
                ORDER BY s.created_at DESC, s.id DESC
                """
            ).all().map { try Self.decodeSession($0, prefix: "s_") }
        }
    }

    /// Records that the session was used; the authenticator calls it at most once a minute per session.
    func touch(sessionID: String, now: Date) async throws {
        try await database.write { sql in
            try await sql.raw(
                "UPDATE sessions SET last_used_at = \(bind: Microseconds.from(now)) WHERE id = \(bind: sessionID)"
            ).run()
        }
    }

    static let sessionColumns = """
        s.id AS s_id, s.user_id AS s_user_id, s.scope AS s_scope, s.created_at AS s_created_at,
        s.last_used_at AS s_last_used_at, s.expires_at AS s_expires_at, s.user_agent AS s_user_agent,
        s.revoked_at AS s_revoked_at
        """
    static let userColumns =
        "u.id, u.username, u.email, u.full_name, u.password_hash, u.is_active, u.is_admin, u.created_at"

    fileprivate static func insert(_ session: LoginSession, on sql: any SQLDatabase) async throws {
        try await sql.raw(
            """
            INSERT INTO sessions (id, user_id, scope, created_at, last_used_at, expires_at, user_agent, revoked_at)
            VALUES (\(bind: session.id), \(bind: session.userID), \(bind: Scope.joined(session.scopes)),
                    \(bind: Microseconds.from(session.createdAt)), \(bind: Microseconds.from(session.lastUsedAt)),
                    \(bind: Microseconds.from(session.expiresAt)), \(bind: session.userAgent),
                    \(bind: session.revokedAt.map(Microseconds.from)))
            """
        ).run()
    }
}
