import Foundation
import SQLKit

/// Login sessions, and the one query every authenticated request makes.
struct SessionRepository: Sendable {
    let database: Database

    func create(_ session: LoginSession) async throws {
        try await database.write { sql in
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

    /// The session and its user, in one indexed lookup: what a bearer token is checked against.
    func findWithUser(sessionID: String) async throws -> (session: LoginSession, user: User)? {
        try await database.read { sql in
            guard
                let row = try await sql.raw(
                    """
                    SELECT s.id AS s_id, s.user_id AS s_user_id, s.scope AS s_scope, s.created_at AS s_created_at,
                           s.last_used_at AS s_last_used_at, s.expires_at AS s_expires_at, s.user_agent AS s_user_agent,
                           s.revoked_at AS s_revoked_at,
                           u.id, u.username, u.email, u.full_name, u.password_hash, u.is_active, u.is_admin, u.created_at
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
