import Foundation

/// The browser sign-in session of the server's own pages (single sign-on): opened when a person
/// signs in on `/authorize` or `/device`, named by a cookie, and ended by `/logout`, "not you?",
/// a password change, a disabled account or `DELETE /me/sessions`. It issues no token; while it
/// lives, the pages do not ask for the password again.
struct BrowserSessionService: Sendable {
    let sessions: BrowserSessionRepository
    let tokenSessions: SessionRepository
    /// Seconds unused after which it ends (`--browser-session-idle`).
    let idle: Int
    /// Seconds after sign-in at which it ends however used (`--browser-session-max`).
    let maximum: Int
    let clock: AppClock

    /// The person of a live browser session.
    struct SignedIn: Sendable {
        var session: LoginSession
        var user: User
    }

    /// The live session the cookie names, its user active; being used, its idle time starts again.
    func current(cookie: String?) async throws -> SignedIn? {
        guard let cookie, cookie.utf8.count == OpaqueToken.length else { return nil }
        let now = clock.now()
        guard let (session, user) = try await sessions.find(cookieHash: OpaqueToken.hash(cookie)), session.isLive(at: now), user.isActive
        else { return nil }
        try await sessions.markUsed(sessionID: session.id, expiresAt: expiry(of: session, usedAt: now), now: now)
        return SignedIn(session: session, user: user)
    }

    /// The live session of this id (a consent page names it), its user active.
    func find(id: String) async throws -> SignedIn? {
        guard let (session, user) = try await sessions.find(id: id), session.isLive(at: clock.now()), user.isActive else { return nil }
        return SignedIn(session: session, user: user)
    }

    /// A new session for a person who has just entered their password, ending the one this
    /// browser had; returns the new cookie's value, never stored.
    func open(user: User, amr: [AuthMethod], userAgent: String?, replacing oldCookie: String?) async throws -> (cookie: String, SignedIn) {
        let now = clock.now()
        let cookie = OpaqueToken.generate()
        var session = LoginSession(
            id: UUID().uuidString.lowercased(), userID: user.id, scopes: [], createdAt: now, lastUsedAt: now, expiresAt: now,
            userAgent: SessionGrantService.storedUserAgent(userAgent), revokedAt: nil, clientID: nil, amr: amr, kind: .browser,
            authTime: now)
        session.expiresAt = expiry(of: session, usedAt: now)
        try await sessions.open(session, cookieHash: OpaqueToken.hash(cookie), replacing: oldCookie.map(OpaqueToken.hash), now: now)
        return (cookie, SignedIn(session: session, user: user))
    }

    /// Ends the session the cookie names (sign-out); the session ended, if one was live.
    @discardableResult
    func end(cookie: String?) async throws -> LoginSession? {
        guard let cookie, cookie.utf8.count == OpaqueToken.length,
            let (session, _) = try await sessions.find(cookieHash: OpaqueToken.hash(cookie)),
            try await tokenSessions.revoke(sessionID: session.id, now: clock.now())
        else { return nil }
        return session
    }

    /// Ends the session of this id ("not you?").
    func end(id: String) async throws {
        try await tokenSessions.revoke(sessionID: id, now: clock.now())
    }

    /// Idle time from `date`, never past the maximum from sign-in.
    private func expiry(of session: LoginSession, usedAt date: Date) -> Date {
        min(session.createdAt.addingTimeInterval(Double(maximum)), date.addingTimeInterval(Double(idle)))
    }
}
