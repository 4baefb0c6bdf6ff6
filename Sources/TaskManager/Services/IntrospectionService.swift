import Foundation

/// RFC 7662: tells a confidential client whether a token is live, and what it says. The session
/// and the user are read from the database, not the session cache: a revocation, a password change
/// or a disabled account shows here at once, where bearer tokens see it within a second.
struct IntrospectionService: Sendable {
    let clients: ClientAuthenticator
    let sessions: SessionRepository
    let tokens: TokenService
    let clock: AppClock

    /// A live token's claims; `nil`: `{"active": false}`.
    struct Answer: Sendable, Equatable {
        enum Kind: Sendable, Equatable { case access, refresh }
        var kind: Kind
        var scope: String
        var clientID: String
        var username: String
        var expiresAt: Int
        var issuedAt: Int
        var subject: String
        var sessionID: String
        var audience: String?
        var jti: String?
        /// An access token's own `iss` (a v3 token's is `taskmanager`); `nil`: the server's.
        var issuer: String? = nil
    }

    func introspect(token: String?, hint: String?, credentials: ClientCredentials) async throws -> Answer? {
        // Any failure to authenticate is 401 with `WWW-Authenticate: Basic` here (RFC 7662 §2.1).
        let client: OAuthClient
        do { client = try await clients.authenticate(credentials) } catch { throw APIError.invalidClient(viaBasic: true) }
        guard client.confidential else { throw APIError.invalidClient(viaBasic: true) }
        guard let token, !token.isEmpty else { throw APIError.oauth(.invalidRequest, "Form field token is required") }
        // Either kind is found without the hint; with it, that kind is looked for first.
        if hint == "refresh_token", let live = try await refreshToken(token) { return live }
        if let live = try await accessToken(token) { return live }
        return hint == "refresh_token" ? nil : try await refreshToken(token)
    }

    private func accessToken(_ token: String) async throws -> Answer? {
        guard let claims = try? await tokens.verify(token),
            let (session, user, _) = try await sessions.findWithUser(sessionID: claims.sid),
            session.userID == claims.sub.value, session.isLiveTokenSession(at: clock.now()), user.isActive
        else { return nil }
        // The scopes the server would honour now, as the bearer authenticator does.
        let scopes = Scope.honoured(Scope.parseList(claims.scope) ?? [], isAdmin: user.isAdmin)
        return Answer(
            kind: .access, scope: Scope.joined(scopes), clientID: claims.clientID ?? TokenService.defaultClientID, username: user.username,
            expiresAt: Int(claims.exp.value.timeIntervalSince1970), issuedAt: Int(claims.iat.value.timeIntervalSince1970),
            subject: claims.sub.value, sessionID: claims.sid, audience: claims.aud.value.first, jti: claims.jti.value,
            issuer: claims.iss.value)
    }

    private func refreshToken(_ token: String) async throws -> Answer? {
        guard let record = try await sessions.findRefreshToken(hash: OpaqueToken.hash(token)), record.usedAt == nil,
            record.session.isLive(at: clock.now()), record.user.isActive
        else { return nil }
        let session = record.session
        return Answer(
            kind: .refresh, scope: Scope.joined(Scope.honoured(session.scopes, isAdmin: record.user.isAdmin)), clientID: session.clientID ?? TokenService.defaultClientID,
            username: record.user.username, expiresAt: Int(session.expiresAt.timeIntervalSince1970),
            issuedAt: Int(session.createdAt.timeIntervalSince1970), subject: record.user.id, sessionID: session.id)
    }
}
