import Foundation

/// The token endpoint's grants and revocation: checks credentials, opens and rotates login
/// sessions, and throttles password guessing.
struct LoginService: Sendable {
    let users: UserRepository
    let sessions: SessionRepository
    let throttle: ThrottleRepository
    let policy: ThrottlePolicy
    let hasher: PasswordHasher
    let tokens: TokenService
    let secondFactor: SecondFactorService
    /// How long a login session (and so its refresh tokens) lives.
    let sessionTTL: Int
    let clock: AppClock
    let metrics: AppMetrics

    struct Grant: Sendable, Equatable {
        var accessToken: String
        var expiresIn: Int
        var refreshToken: String
        var scopes: [Scope]
        var sessionID: String
    }

    /// How long an `mfa_token` waits for its code, and how many wrong codes kill it.
    static let mfaTokenLifetime: TimeInterval = 300
    static let mfaMaximumFailures = 5

    /// Every refusal is `APIError.oauth` (RFC 6749 §5.2) or `.throttled`; a user with the second
    /// factor on gets `.mfaRequired`, and finishes with `mfaGrant`.
    func passwordGrant(
        username: String?, password: String?, scope: String?, clientID: String? = nil, userAgent: String?, address: String
    ) async throws -> Grant {
        guard let username, !username.isEmpty, let password, !password.isEmpty else {
            throw APIError.oauth(.invalidRequest, "Form fields username and password are required")
        }
        guard let requested = Scope.parseList(scope ?? "") else {
            throw APIError.oauth(.invalidScope, "Unknown scope requested")
        }
        let user = try await authenticate(username: username, password: password, address: address)
        let allowed = Scope.allowed(isAdmin: user.isAdmin)
        guard requested.allSatisfy(allowed.contains) else {
            throw APIError.oauth(.invalidScope, "Requested scope is not available to this user")
        }
        let granted = requested.isEmpty ? allowed : requested
        let now = clock.now()
        if user.mfaEnabled {
            let token = OpaqueToken.generate()
            try await secondFactor.repository.savePendingLogin(
                hash: OpaqueToken.hash(token),
                .init(userID: user.id, scopes: granted, clientID: clientID, expiresAt: now.addingTimeInterval(Self.mfaTokenLifetime)),
                now: now)
            throw APIError.mfaRequired(mfaToken: token)
        }
        return try await openSession(user: user, scopes: granted, amr: [.password], userAgent: userAgent, now: now)
    }

    /// The Auth0 MFA grants (`mfa-otp`, `mfa-recovery-code`): the `mfa_token` of a password grant
    /// and a code finish the login, with the scope (and client) that grant asked for.
    func mfaGrant(
        mfaToken: String?, code: SecondFactorCode?, scope: String?, clientID: String?, userAgent: String?, address: String
    ) async throws -> Grant {
        guard let mfaToken, !mfaToken.isEmpty else { throw APIError.oauth(.invalidRequest, "Form field mfa_token is required") }
        guard let code else { throw APIError.oauth(.invalidRequest, "The code is required: form field otp or recovery_code") }
        guard let requested = Scope.parseList(scope ?? "") else {
            throw APIError.oauth(.invalidScope, "Unknown scope requested")
        }
        let hash = OpaqueToken.hash(mfaToken)
        let expired = APIError.oauth(.invalidGrant, "Invalid or expired mfa_token")
        guard let pending = try await secondFactor.repository.pendingLogin(hash: hash), !pending.used,
            pending.expiresAt > clock.now(), pending.failures < Self.mfaMaximumFailures
        else { throw expired }
        guard pending.clientID == clientID else {
            throw APIError.oauth(.invalidGrant, "The mfa_token was issued to another client")
        }
        guard requested.allSatisfy(pending.scopes.contains) else {
            throw APIError.oauth(.invalidScope, "Requested scope exceeds the scope of the password grant")
        }
        guard let user = try await users.find(id: pending.userID), user.isActive, user.mfaEnabled else { throw expired }
        guard try await checkSecondFactor(user: user, code, address: address) else {
            try await secondFactor.repository.recordWrongCode(hash: hash)
            throw APIError.oauth(.invalidGrant, SecondFactorService.invalidCode)
        }
        let now = clock.now()
        guard try await secondFactor.repository.finishPendingLogin(hash: hash, now: now, maximumFailures: Self.mfaMaximumFailures)
        else { throw expired }
        return try await openSession(
            user: user, scopes: requested.isEmpty ? pending.scopes : requested, amr: [.password, .oneTimePassword],
            userAgent: userAgent, now: now)
    }

    /// The second-factor check of every sign-in (the MFA grants and the `/authorize` page), after
    /// a right password: throttled like the password, and a wrong code counts as a failed login
    /// for the username and the address.
    func checkSecondFactor(user: User, _ code: SecondFactorCode, address: String) async throws -> Bool {
        let key = Self.throttleKey(user.username)
        if let wait = try await throttle.lockRemaining(usernameKey: key, address: address, policy: policy, now: clock.now()) {
            metrics.recordLogin(.throttled)
            throw APIError.throttled(retryAfter: max(1, Int(wait.rounded(.up))))
        }
        guard try await secondFactor.verify(userID: user.id, code) else {
            try await throttle.recordFailure(usernameKey: key, address: address, policy: policy, now: clock.now())
            metrics.recordLogin(.failure)
            return false
        }
        try await throttle.recordSuccess(usernameKey: key)
        metrics.recordLogin(.success)
        return true
    }

    private func openSession(user: User, scopes: [Scope], amr: [AuthMethod], userAgent: String?, now: Date) async throws -> Grant {
        var session = newSession(userID: user.id, scopes: scopes, clientID: nil, userAgent: userAgent, now: now)
        session.amr = amr
        let refresh = OpaqueToken.generate()
        try await sessions.create(session, refreshTokenHash: OpaqueToken.hash(refresh))
        return try await grant(userID: user.id, sessionID: session.id, scopes: scopes, amr: amr, refreshToken: refresh, now: now)
    }

    /// The password check of every sign-in (this grant and the `/authorize` page): throttled before
    /// bcrypt runs, a miss as slow as a hit, failures counted toward the name's and address's locks.
    func authenticate(username: String, password: String, address: String) async throws -> User {
        let key = Self.throttleKey(username)
        // A locked name or address is refused before bcrypt runs: a flood of attempts stays cheap,
        // and the right password does not open an active lock.
        if let wait = try await throttle.lockRemaining(usernameKey: key, address: address, policy: policy, now: clock.now()) {
            metrics.recordLogin(.throttled)
            throw APIError.throttled(retryAfter: max(1, Int(wait.rounded(.up))))
        }
        let user = try await users.find(username: username)
        // An unknown user is checked against a dummy hash: a miss takes as long as a hit.
        guard try await hasher.verify(password, against: user?.passwordHash), let user else {
            try await throttle.recordFailure(usernameKey: key, address: address, policy: policy, now: clock.now())
            metrics.recordLogin(.failure)
            throw APIError.oauth(.invalidGrant, Self.incorrectPassword)
        }
        guard user.isActive else {
            try await throttle.recordSuccess(usernameKey: key)
            metrics.recordLogin(.failure)
            throw APIError.oauth(.invalidGrant, "Inactive user")
        }
        // With a second factor on, the login is not done yet: the failures so far still count
        // until a right code ends them, so the password cannot reset the lock between code guesses.
        guard !user.mfaEnabled else { return user }
        try await throttle.recordSuccess(usernameKey: key)
        metrics.recordLogin(.success)
        return user
    }

    static let incorrectPassword = "Incorrect username or password"

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
    /// (`client`, authenticated when confidential, as `ClientAuthenticator` does); a password-grant
    /// session's ignores it.
    func refreshGrant(
        refreshToken: String?, scope: String?, userAgent: String?,
        client: @Sendable () async throws -> OAuthClient? = { nil }
    ) async throws -> Grant {
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
            record.session.revokedAt == nil, record.session.expiresAt > now
        else { throw invalid }
        if let owner = record.session.clientID, try await client()?.id != owner {
            throw APIError.oauth(.invalidGrant, "The refresh token was issued to another client")
        }
        guard record.usedAt == nil else {
            try await sessions.revoke(sessionID: record.session.id, now: now)
            throw invalid
        }
        guard record.user.isActive else { throw APIError.oauth(.invalidGrant, "Inactive user") }
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
            userID: record.user.id, sessionID: record.session.id, scopes: requested.isEmpty ? allowed : requested,
            amr: record.session.amr, refreshToken: next, now: now)
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

    func grant(userID: String, sessionID: String, scopes: [Scope], amr: [AuthMethod], refreshToken: String, now: Date)
        async throws -> Grant
    {
        let token = try await tokens.issueAccessToken(userID: userID, sessionID: sessionID, scopes: scopes, amr: amr, now: now)
        return Grant(
            accessToken: token, expiresIn: tokens.accessTokenTTL, refreshToken: refreshToken, scopes: scopes,
            sessionID: sessionID)
    }

    /// What a session keeps of the client's `User-Agent`: 512 characters, without NULs (HTTP/1's
    /// parser refuses them already; PostgreSQL text could not hold one).
    static func storedUserAgent(_ header: String?) -> String? {
        header.map { String($0.unicodeScalars.lazy.filter { $0 != "\0" }.prefix(512).map(Character.init)) }
    }

    /// Usernames are case-insensitive; any text may be tried, so keys are bounded in size, and one
    /// with a NUL (which PostgreSQL text cannot hold) is kept hashed too.
    static func throttleKey(_ username: String) -> String {
        let key = username.lowercased()
        return key.utf8.count <= 64 && !FieldRules.hasNUL(key) ? key : "sha256:" + OpaqueToken.hash(key)
    }
}
