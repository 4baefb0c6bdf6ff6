import Foundation

/// Signing in with a password (and the second factor): the password and MFA grants, and the
/// checks the sign-in page shares with them, throttled against guessing. The sessions they open
/// are `SessionGrantService`'s.
struct LoginService: Sendable {
    let users: UserRepository
    let pendingLogins: SecondFactorRepository
    let throttle: ThrottleRepository
    let policy: ThrottlePolicy
    let hasher: PasswordHasher
    let secondFactor: SecondFactorService
    let grants: SessionGrantService
    let clock: AppClock
    let metrics: AppMetrics

    /// How long an `mfa_token` waits for its code, and how many wrong codes kill it.
    static let mfaTokenLifetime: TimeInterval = 300
    static let mfaMaximumFailures = 5

    /// Every refusal is `APIError.oauth` (RFC 6749 §5.2) or `.throttled`; a user with the second
    /// factor on gets `.mfaRequired`, and finishes with `mfaGrant`.
    func passwordGrant(
        username: String?, password: String?, scope: String?, clientID: String? = nil, resource: String? = nil, userAgent: String?,
        address: String
    ) async throws -> SessionGrantService.Grant {
        guard let username, !username.isEmpty, let password, !password.isEmpty else {
            throw APIError.oauth(.invalidRequest, "Form fields username and password are required")
        }
        guard let requested = Scope.parseList(scope ?? "") else {
            throw APIError.oauth(.invalidScope, "Unknown scope requested")
        }
        let target = try grants.resource(named: resource) ?? .api
        let user = try await authenticate(username: username, password: password, address: address)
        let allowed = Scope.allowed(isAdmin: user.isAdmin)
        guard requested.allSatisfy(allowed.contains) else {
            throw APIError.oauth(.invalidScope, "Requested scope is not available to this user")
        }
        let granted = requested.isEmpty ? Scope.byDefault(isAdmin: user.isAdmin) : requested
        let now = clock.now()
        if user.mfaEnabled {
            let token = OpaqueToken.generate()
            try await pendingLogins.savePendingLogin(
                hash: OpaqueToken.hash(token),
                .init(userID: user.id, scopes: granted, clientID: clientID, expiresAt: now.addingTimeInterval(Self.mfaTokenLifetime)),
                now: now)
            throw APIError.mfaRequired(mfaToken: token)
        }
        return try await grants.openSession(user: user, scopes: granted, amr: [.password], resource: target, userAgent: userAgent, now: now)
    }

    /// The Auth0 MFA grants (`mfa-otp`, `mfa-recovery-code`): the `mfa_token` of a password grant
    /// and a code finish the login, with the scope (and client) that grant asked for.
    func mfaGrant(
        mfaToken: String?, code: SecondFactorCode?, scope: String?, clientID: String?, resource: String? = nil, userAgent: String?,
        address: String
    ) async throws -> SessionGrantService.Grant {
        // The session opens here: this request's `resource` is its audience.
        let target = try grants.resource(named: resource) ?? .api
        guard let mfaToken, !mfaToken.isEmpty else { throw APIError.oauth(.invalidRequest, "Form field mfa_token is required") }
        guard let code else { throw APIError.oauth(.invalidRequest, "The code is required: form field otp or recovery_code") }
        guard let requested = Scope.parseList(scope ?? "") else {
            throw APIError.oauth(.invalidScope, "Unknown scope requested")
        }
        let hash = OpaqueToken.hash(mfaToken)
        let expired = APIError.oauth(.invalidGrant, "Invalid or expired mfa_token")
        guard let pending = try await pendingLogins.pendingLogin(hash: hash), !pending.used,
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
            try await pendingLogins.recordWrongCode(hash: hash)
            throw APIError.oauth(.invalidGrant, SecondFactorService.invalidCode)
        }
        let now = clock.now()
        guard try await pendingLogins.finishPendingLogin(hash: hash, now: now, maximumFailures: Self.mfaMaximumFailures)
        else { throw expired }
        return try await grants.openSession(
            user: user, scopes: requested.isEmpty ? pending.scopes : requested, amr: [.password, .oneTimePassword], resource: target,
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

    /// A device's user code typed on `/device`, looked up by `find`: a locked address is refused
    /// before the look-up, and a code that names nothing counts as a failure for the address, as a
    /// wrong password does (a code is a short-lived password for the device).
    func checkDeviceCode<T: Sendable>(address: String, _ find: () async throws -> T?) async throws -> T? {
        if let wait = try await throttle.lockRemaining(usernameKey: nil, address: address, policy: policy, now: clock.now()) {
            metrics.recordLogin(.throttled)
            throw APIError.throttled(retryAfter: max(1, Int(wait.rounded(.up))))
        }
        guard let found = try await find() else {
            try await throttle.recordFailure(usernameKey: nil, address: address, policy: policy, now: clock.now())
            return nil
        }
        return found
    }

    static let incorrectPassword = "Incorrect username or password"

    /// Usernames are case-insensitive; any text may be tried, so keys are bounded in size, and one
    /// with a NUL (which PostgreSQL text cannot hold) is kept hashed too.
    static func throttleKey(_ username: String) -> String {
        let key = username.lowercased()
        return key.utf8.count <= 64 && !FieldRules.hasNUL(key) ? key : "sha256:" + OpaqueToken.hash(key)
    }
}
