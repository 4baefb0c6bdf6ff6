import Foundation

/// The caller's own sessions: where they are signed in, and ending them (`/me/sessions`).
struct SessionService: Sendable {
    let sessions: SessionRepository
    let clients: ClientAuthenticator
    let clock: AppClock

    /// A live session, with the name of the client it was made through (an assistant names
    /// itself when it registers): what a person reads to tell which one to end.
    struct Listed: Sendable {
        var session: LoginSession
        var clientName: String?
    }

    /// The principal's live sessions, most recently used first.
    func live(of principal: Principal) async throws -> [Listed] {
        var names: [String: String] = [:]
        var listed: [Listed] = []
        for session in try await sessions.listLive(userID: principal.user.id, now: clock.now()) {
            if let id = session.clientID, names[id] == nil { names[id] = try await clients.find(id: id)?.name }
            listed.append(Listed(session: session, clientName: session.clientID.flatMap { names[$0] }))
        }
        return listed
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
