import Foundation

/// Login sessions, and the one query every authenticated request makes. Every change to a session
/// evicts it from this process's `SessionCache` once it is committed.
struct SessionRepository: Sendable {
    let database: AppDatabase

    /// The session and its user, in one indexed lookup: what a bearer token is checked against.
    func findWithUser(sessionID: String) async throws -> (session: LoginSession, user: User, homeListID: String)? {
        try await database.read { sql in
            try await sql.first(
                """
                SELECT \(unsafeRaw: Self.sessionColumns), \(unsafeRaw: UserRepository.joinedColumns), l.id
                FROM sessions s JOIN users u ON u.id = s.user_id JOIN lists l ON l.owner_id = u.id AND l.is_default
                WHERE s.id = \(bind: sessionID)
                """
            ) { row in
                (try Self.decodeSession(row), try UserRepository.decode(row, from: Self.sessionColumnCount),
                 try row.string(Self.sessionColumnCount + UserRepository.columnCount))
            }
        }
    }

    /// `findWithUser` through this process's `SessionCache`: what a bearer token is checked against.
    func findForToken(sessionID: String) async throws -> (session: LoginSession, user: User, homeListID: String)? {
        let cache = database.sessionCache
        if let entry = cache.lookup(sessionID) { return (entry.session, entry.user, entry.homeListID) }
        // Taken before the read: what it finds is at least as fresh as this instant.
        let generation = cache.generation
        let readAt = ContinuousClock.now
        guard let (session, user, homeListID) = try await findWithUser(sessionID: sessionID) else { return nil }
        cache.store(.init(session: session, user: user, homeListID: homeListID, readAt: readAt), ifGeneration: generation)
        return (session, user, homeListID)
    }

    /// Reads the columns of `sessionColumns`, starting at column `start`.
    static func decodeSession(_ row: SQLRow, from start: Int = 0) throws -> LoginSession {
        LoginSession(
            id: try row.string(start),
            userID: try row.string(start + 1),
            scopes: Scope.parseList(try row.string(start + 2)) ?? [],
            createdAt: Microseconds.date(try row.int64(start + 3)),
            lastUsedAt: Microseconds.date(try row.int64(start + 4)),
            expiresAt: Microseconds.date(try row.int64(start + 5)),
            userAgent: try row.optionalString(start + 6),
            revokedAt: try row.optionalInt64(start + 7).map(Microseconds.date),
            clientID: try row.optionalString(start + 8),
            amr: AuthMethod.parseList(try row.optionalString(start + 9)),
            kind: SessionKind(rawValue: try row.string(start + 10)) ?? .token,
            authTime: try row.optionalInt64(start + 11).map(Microseconds.date),
            resource: ProtectedResource(stored: try row.optionalString(start + 12)))
    }

    static let sessionColumns =
        "s.id, s.user_id, s.scope, s.created_at, s.last_used_at, s.expires_at, s.user_agent, s.revoked_at, s.client_id, s.amr, s.kind, s.auth_time, s.resource"
    static let sessionColumnCount = 13
}

extension SessionRepository {
    /// Opens a session with its first refresh token, in one transaction.
    func create(_ session: LoginSession, refreshTokenHash: String) async throws {
        try await database.write { sql in try await Self.insert(session, refreshTokenHash: refreshTokenHash, on: sql) }
    }

    /// Inside a caller's transaction.
    static func insert(_ session: LoginSession, refreshTokenHash: String, on sql: SQLConnection) async throws {
        try await insert(session, on: sql)
        try await sql.execute(
            """
            INSERT INTO refresh_tokens (token_hash, session_id, created_at)
            VALUES (\(bind: refreshTokenHash), \(bind: session.id), \(bind: Microseconds.from(session.createdAt)))
            """)
    }

    struct RefreshTokenRecord: Sendable {
        var session: LoginSession
        var user: User
        var usedAt: Date?
    }

    /// The refresh token's session and user, whatever their state.
    func findRefreshToken(hash: String) async throws -> RefreshTokenRecord? {
        try await database.read { sql in
            try await sql.first(
                """
                SELECT rt.used_at, \(unsafeRaw: Self.sessionColumns), \(unsafeRaw: UserRepository.joinedColumns)
                FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id JOIN users u ON u.id = s.user_id
                WHERE rt.token_hash = \(bind: hash)
                """
            ) { row in
                RefreshTokenRecord(
                    session: try Self.decodeSession(row, from: 1),
                    user: try UserRepository.decode(row, from: 1 + Self.sessionColumnCount),
                    usedAt: try row.optionalInt64(0).map(Microseconds.date))
            }
        }
    }

    /// Marks `hash` used and stores its successor, unless it was already used — by a concurrent
    /// refresh too, since the check and the mark are one statement. `false`: it had been used.
    func rotate(hash: String, to newHash: String, sessionID: String, userAgent: String?, now: Date) async throws -> Bool {
        try await database.write { sql in
            let marked = try await sql.first(
                """
                UPDATE refresh_tokens SET used_at = \(bind: Microseconds.from(now))
                WHERE token_hash = \(bind: hash) AND used_at IS NULL RETURNING token_hash
                """, { try $0.string(0) })
            guard marked != nil else { return false }
            try await sql.execute(
                """
                INSERT INTO refresh_tokens (token_hash, session_id, created_at)
                VALUES (\(bind: newHash), \(bind: sessionID), \(bind: Microseconds.from(now)))
                """)
            try await sql.execute(
                """
                UPDATE sessions SET last_used_at = \(bind: Microseconds.from(now)),
                    user_agent = COALESCE(\(bind: userAgent), user_agent)
                WHERE id = \(bind: sessionID)
                """)
            return true
        }
    }

    /// Ends a session; `true` when it was live.
    @discardableResult
    func revoke(sessionID: String, ownedBy userID: String? = nil, now: Date) async throws -> Bool {
        var statement: SQLStatement = """
            UPDATE sessions SET revoked_at = \(bind: Microseconds.from(now))
            WHERE id = \(bind: sessionID) AND revoked_at IS NULL AND expires_at > \(bind: Microseconds.from(now))
            """
        if let userID { statement += " AND user_id = \(bind: userID)" }
        let finished = statement + " RETURNING id"
        let revoked = try await database.write { sql in try await sql.first(finished, { try $0.string(0) }) != nil }
        database.sessionCache.evict(sessionID: sessionID)
        return revoked
    }

    /// Ends every live session of the user, but `keeping` one.
    func revokeAll(userID: String, keeping: String? = nil, now: Date) async throws {
        try await database.write { sql in try await Self.revokeAll(userID: userID, keeping: keeping, now: now, on: sql) }
        database.sessionCache.evict(userID: userID)
    }

    /// Inside a caller's transaction, which evicts the user's sessions from the cache once committed.
    static func revokeAll(userID: String, keeping: String?, now: Date, on sql: SQLConnection) async throws {
        var statement: SQLStatement = """
            UPDATE sessions SET revoked_at = \(bind: Microseconds.from(now))
            WHERE user_id = \(bind: userID) AND revoked_at IS NULL
            """
        if let keeping { statement += " AND id <> \(bind: keeping)" }
        try await sql.execute(statement)
    }

    /// The user's live sessions, newest first.
    func listLive(userID: String, now: Date) async throws -> [LoginSession] {
        try await database.read { sql in
            try await sql.all(
                """
                SELECT \(unsafeRaw: Self.sessionColumns) FROM sessions s
                WHERE s.user_id = \(bind: userID) AND s.revoked_at IS NULL AND s.expires_at > \(bind: Microseconds.from(now))
                ORDER BY s.created_at DESC, s.id DESC
                """, { try Self.decodeSession($0) })
        }
    }

    /// Removes the sessions, token and browser, that ended (revoked or expired) before `cutoff`,
    /// with their refresh tokens: none of them can be used again. Returns how many went.
    func purgeEnded(before cutoff: Date) async throws -> Int {
        let micros = Microseconds.from(cutoff)
        return try await database.write { sql in
            try await sql.all(
                "DELETE FROM sessions WHERE revoked_at < \(bind: micros) OR expires_at < \(bind: micros) RETURNING id", { try $0.string(0) }
            ).count
        }
    }

    /// Of `ids`, the token sessions still live, of active users: what the open event streams of a
    /// process are checked against, all in one query a second.
    func liveTokenSessions(among ids: [String], at now: Date) async throws -> Set<String> {
        var live: Set<String> = []
        var start = ids.startIndex
        while start < ids.endIndex {
            let chunk = ids[start..<min(start + 500, ids.endIndex)]
            start = chunk.endIndex
            guard let first = chunk.first else { break }
            var list: SQLStatement = "\(bind: first)"
            for id in chunk.dropFirst() { list += ", \(bind: id)" }
            let query: SQLStatement = """
                SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.id IN (\(list)) AND s.kind = \(bind: SessionKind.token.rawValue) AND s.revoked_at IS NULL
                AND s.expires_at > \(bind: Microseconds.from(now)) AND u.is_active = \(bind: true)
                """
            live.formUnion(try await database.read { sql in try await sql.all(query, { try $0.string(0) }) })
        }
        return live
    }

    /// Records that the session was used; the authenticator calls it at most once a minute per session.
    func touch(sessionID: String, now: Date) async throws {
        try await database.write { sql in
            try await sql.execute(
                "UPDATE sessions SET last_used_at = \(bind: Microseconds.from(now)) WHERE id = \(bind: sessionID)")
        }
        database.sessionCache.markUsed(sessionID: sessionID, at: now)
    }

    /// A session row; a browser session's with the hash of its cookie.
    static func insert(_ session: LoginSession, cookieHash: String? = nil, on sql: SQLConnection) async throws {
        try await sql.execute(
            """
            INSERT INTO sessions (id, user_id, scope, created_at, last_used_at, expires_at, user_agent, revoked_at, client_id, amr,
                                  kind, auth_time, cookie_hash, resource)
            VALUES (\(bind: session.id), \(bind: session.userID), \(bind: Scope.joined(session.scopes)),
                    \(bind: Microseconds.from(session.createdAt)), \(bind: Microseconds.from(session.lastUsedAt)),
                    \(bind: Microseconds.from(session.expiresAt)), \(bind: session.userAgent),
                    \(bind: session.revokedAt.map(Microseconds.from)), \(bind: session.clientID),
                    \(bind: AuthMethod.joined(session.amr)), \(bind: session.kind.rawValue),
                    \(bind: session.authTime.map(Microseconds.from)), \(bind: cookieHash), \(bind: session.resource.stored))
            """)
    }
}
