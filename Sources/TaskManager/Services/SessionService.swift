import Foundation

/// The caller's own sessions: where they are signed in, and ending them (`/me/sessions`).
struct SessionService: Sendable {
    let sessions: SessionRepository
    let clock: AppClock

    /// The principal's live sessions, most recently used first.
    func live(of principal: Principal) async throws -> [LoginSession] {
        try await sessions.listLive(userID: principal.user.id, now: clock.now())
    }

    /// Ends every session of the principal's but the one making the request.
    func endOthers(of principal: Principal) async throws {
        try await sessions.revokeAll(userID: principal.user.id, keeping: principal.sessionID, now: clock.now())
    }

    /// Ends one of the principal's sessions, named by the id sent; another user's is not found.
    func end(_ id: String, of principal: Principal) async throws {
        guard let id = canonicalID(id), try await sessions.revoke(sessionID: id, ownedBy: principal.user.id, now: clock.now()) else {
            throw APIError.notFound("Session not found")
        }
    }
}
