import Foundation
import Synchronization

/// Opens, rotates and ends login sessions, and issues their tokens: every grant ends here. The
/// refresh and authorization-code grants are its own; the password and MFA grants (`LoginService`)
/// open their sessions through it.
struct SessionGrantService: Sendable {
    let sessions: SessionRepository
    let authorizations: AuthorizationRepository
    let clients: ClientAuthenticator
    let tokens: TokenService
    /// How long a login session (and so its refresh tokens) lives.
    let sessionTTL: Int
    let clock: AppClock

    struct Grant: Sendable, Equatable {
        var accessToken: String
        var expiresIn: Int
        var refreshToken: String
        var scopes: [Scope]
        /// With `openid` in `scopes`: the ID token for the session's client.
        var idToken: String? = nil
    }

    /// A new session for a user who signed in (through `clientID`, whose refreshes it is then bound
    /// to), with its first refresh token.
    /// `authTime`: when the person entered their password, when that was before this moment (a
    /// device approved on a page).
    /// `resource`: what its tokens are for (the grant's `resource` field, `resource(named:)`).
    func openSession(
        user: User, scopes: [Scope], amr: [AuthMethod], authTime: Date? = nil, clientID: String? = nil, resource: ProtectedResource = .api,
        userAgent: String?, now: Date
    ) async throws -> Grant {
        var session = newSession(userID: user.id, scopes: scopes, clientID: clientID, userAgent: userAgent, now: now)
        session.amr = amr
        session.authTime = authTime
        session.resource = resource
        let refresh = OpaqueToken.generate()
        try await sessions.create(session, refreshTokenHash: OpaqueToken.hash(refresh))
        return try await grant(session, user: user, scopes: scopes, refreshToken: refresh, now: now)
    }

    /// A new login session, not stored yet.
    func newSession(userID: String, scopes: [Scope], clientID: String?, userAgent: String?, now: Date) -> LoginSession {
        LoginSession(
            id: UUID().uuidString.lowercased(), userID: userID, scopes: scopes, createdAt: now, lastUsedAt: now,
            expiresAt: now.addingTimeInterval(Double(sessionTTL)), userAgent: Self.storedUserAgent(userAgent),
            revokedAt: nil, clientID: clientID)
    }

    /// Exchanges a refresh token for a new access token and a new refresh token. A refresh token
    /// that was already used ends its whole session: whoever holds the newer one is cut off too.
    ///
    /// The refresh token of a session made through a client is refreshed only by that client
    /// (`credentials`, authenticated when confidential, as `ClientAuthenticator` does); a password-grant
    /// session's ignores it.
    func refreshGrant(
        refreshToken: String?, scope: String?, resource: String? = nil, userAgent: String?, credentials: ClientCredentials = ClientCredentials()
    ) async throws -> Grant {
        let named = try self.resource(named: resource)
        guard let refreshToken, !refreshToken.isEmpty else {
            throw APIError.oauth(.invalidRequest, "Form field refresh_token is required")
        }
        guard let requested = Scope.parseList(scope ?? "") else {
            throw APIError.oauth(.invalidScope, "Unknown scope requested")
        }
        let invalid = APIError.oauth(.invalidGrant, "Invalid refresh token")
        let hash = OpaqueToken.hash(refreshToken)
        let now = clock.now()
        guard let record = try await sessions.findRefreshToken(hash: hash),
            record.session.isLive(at: now)
        else { throw invalid }
        // No client named: not the session's client (invalid_grant); a wrong secret: invalid_client.
        if let owner = record.session.clientID {
            let presented = credentials.id == nil ? nil : try await clients.authenticate(credentials)
            guard presented?.id == owner else { throw APIError.oauth(.invalidGrant, "The refresh token was issued to another client") }
        }
        guard record.usedAt == nil else {
            try await sessions.revoke(sessionID: record.session.id, now: now)
            throw invalid
        }
        guard record.user.isActive else { throw APIError.oauth(.invalidGrant, "Inactive user") }
        // A session has one audience: a refresh keeps it, or names it again (RFC 8707 §2.2).
        if let named, named != record.session.resource { throw Self.otherResource }
        // The session keeps the scope it was granted; a refresh may narrow this access token only.
        let allowed = record.session.scopes.filter(Scope.allowed(isAdmin: record.user.isAdmin).contains)
        guard requested.allSatisfy(allowed.contains) else {
            throw APIError.oauth(.invalidScope, "Requested scope exceeds the scope originally granted")
        }
        let next = OpaqueToken.generate()
        let rotated = try await sessions.rotate(
            hash: hash, to: OpaqueToken.hash(next), sessionID: record.session.id, userAgent: Self.storedUserAgent(userAgent),
            now: now)
        guard rotated else {
            // A concurrent refresh with the same token won: that is reuse too.
            try await sessions.revoke(sessionID: record.session.id, now: now)
            throw invalid
        }
        return try await grant(
            record.session, user: record.user, scopes: requested.isEmpty ? allowed : requested, refreshToken: next, now: now)
    }

    /// RFC 7009: ends the session of a refresh token or of an access token. Unknown tokens are
    /// ignored (the answer is the same either way).
    func revoke(token: String?) async throws {
        guard let token, !token.isEmpty else { throw APIError.oauth(.invalidRequest, "Form field token is required") }
        let now = clock.now()
        if let record = try await sessions.findRefreshToken(hash: OpaqueToken.hash(token)) {
            try await sessions.revoke(sessionID: record.session.id, now: now)
        } else if let claims = try? await tokens.verify(token) {
            try await sessions.revoke(sessionID: claims.sid, now: now)
        }
    }

    /// The session's next access token, with `scopes` (the session's or narrower), and with
    /// `openid` among them its ID token (`nonce` from the authorization request; none on a
    /// refresh). `auth_time` is the session's: when the person last entered their password.
    private func grant(_ session: LoginSession, user: User, scopes: [Scope], refreshToken: String, nonce: String? = nil, now: Date)
        async throws -> Grant
    {
        let access = TokenService.AccessGrant(
            userID: session.userID, sessionID: session.id, scopes: scopes, amr: session.amr, clientID: session.clientID,
            authTime: session.signedInAt, resource: session.resource)
        let token = try await tokens.issueAccessToken(access, now: now)
        var idToken: String?
        if scopes.contains(.openid) {
            idToken = try await tokens.issueIDToken(
                access, accessToken: token, nonce: nonce, profile: scopes.contains(.profile) ? (user.username, user.fullName) : nil, now: now)
        }
        return Grant(
            accessToken: token, expiresIn: tokens.accessTokenTTL, refreshToken: refreshToken, scopes: scopes, idToken: idToken)
    }

    /// The resource a token request's `resource` names (RFC 8707), compared exactly; `nil` for none.
    func resource(named identifier: String?) throws -> ProtectedResource? {
        guard let identifier else { return nil }
        guard let resource = ProtectedResource.named(identifier, publicURL: tokens.issuer) else {
            throw APIError.oauth(.invalidTarget, "Unknown resource: this server's are \(tokens.issuer) and \(tokens.issuer)/mcp")
        }
        return resource
    }

    static let otherResource = APIError.oauth(.invalidTarget, "The grant is for another resource")

    /// What a session keeps of the client's `User-Agent`: 512 characters, without NULs (HTTP/1's
    /// parser refuses them already; PostgreSQL text could not hold one).
    static func storedUserAgent(_ header: String?) -> String? {
        header.map { String($0.unicodeScalars.lazy.filter { $0 != "\0" }.prefix(512).map(Character.init)) }
    }

    /// The authorization-code grant: the code the sign-in page issued, for the client, redirect
    /// URI and PKCE verifier it was issued to, once; a second use ends the session it opened.
    func authorizationCodeGrant(
        code: String?, redirectURI: String?, verifier: String?, resource: String? = nil, credentials: ClientCredentials, userAgent: String?
    ) async throws -> Grant {
        guard let code, !code.isEmpty else { throw APIError.oauth(.invalidRequest, "Form field code is required") }
        let named = try self.resource(named: resource)
        let otherResource = Mutex(false)
        let client = try await clients.authenticate(credentials)
        let now = clock.now()
        let refresh = OpaqueToken.generate()
        let redemption = try await authorizations.redeem(
            hash: OpaqueToken.hash(code), now: now,
            accepts: { issued in
                let redirectMatches =
                    issued.request.redirectGiven
                    ? redirectURI == issued.request.redirectURI : (redirectURI ?? issued.request.redirectURI) == issued.request.redirectURI
                // The resource, when named again, is the one the code was asked for (RFC 8707 §2.2).
                if let named, named != issued.request.resource {
                    otherResource.withLock { $0 = true }
                    return false
                }
                return issued.request.clientID == client.id && redirectMatches
                    && PKCE.verify(verifier ?? "", against: issued.request.codeChallenge)
            },
            makeSession: { issued, user in
                let scopes = issued.request.scopes.filter(Scope.allowed(isAdmin: user.isAdmin).contains)
                var session = newSession(userID: user.id, scopes: scopes, clientID: client.id, userAgent: userAgent, now: now)
                session.amr = issued.amr
                session.authTime = issued.authTime
                session.resource = issued.request.resource
                return (session, OpaqueToken.hash(refresh))
            })
        switch redemption {
        case .redeemed(let session, let user, let nonce):
            return try await grant(session, user: user, scopes: session.scopes, refreshToken: refresh, nonce: nonce, now: now)
        case .refused:
            if otherResource.withLock({ $0 }) { throw Self.otherResource }
            throw APIError.oauth(.invalidGrant, "Invalid authorization code, or not issued to this client, redirect URI and code_verifier")
        case .reused:
            throw APIError.oauth(.invalidGrant, "The authorization code was used already; the session it opened is ended")
        }
    }
}
