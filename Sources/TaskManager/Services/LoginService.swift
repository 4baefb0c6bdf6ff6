import Foundation

/// The OAuth2 password grant: checks the credentials, opens a login session and issues its token.
struct LoginService: Sendable {
    let users: UserRepository
    let sessions: SessionRepository
    let hasher: PasswordHasher
    let tokens: TokenService
    /// How long a login session lives (the refresh-token lifetime of the contract).
    let sessionTTL: Int

    struct Grant: Sendable, Equatable {
        var accessToken: String
        var expiresIn: Int
        var scopes: [Scope]
        var sessionID: String
    }

    /// Every refusal is `APIError.oauth`, as RFC 6749 §5.2 words it.
    func passwordGrant(username: String?, password: String?, scope: String?, userAgent: String?) async throws -> Grant {
        guard let username, !username.isEmpty, let password, !password.isEmpty else {
            throw APIError.oauth(.invalidRequest, "Form fields username and password are required")
        }
        guard let requested = Scope.parseList(scope ?? "") else {
            throw APIError.oauth(.invalidScope, "Unknown scope requested")
        }
        let user = try await users.find(username: username)
        // An unknown user is checked against a dummy hash: a miss takes as long as a hit.
        guard try await hasher.verify(password, against: user?.passwordHash), let user else {
            throw APIError.oauth(.invalidGrant, "Incorrect username or password")
        }
        guard user.isActive else { throw APIError.oauth(.invalidGrant, "Inactive user") }
        let allowed = Scope.allowed(isAdmin: user.isAdmin)
        guard requested.allSatisfy(allowed.contains) else {
            throw APIError.oauth(.invalidScope, "Requested scope is not available to this user")
        }
        let granted = requested.isEmpty ? allowed : requested
        let now = Microseconds.now()
        let session = LoginSession(
            id: UUID().uuidString.lowercased(), userID: user.id, scopes: granted, createdAt: now, lastUsedAt: now,
            expiresAt: now.addingTimeInterval(Double(sessionTTL)), userAgent: userAgent.map { String($0.prefix(512)) },
            revokedAt: nil)
        try await sessions.create(session)
        let token = try await tokens.issueAccessToken(userID: user.id, sessionID: session.id, scopes: granted, now: now)
        return Grant(accessToken: token, expiresIn: tokens.accessTokenTTL, scopes: granted, sessionID: session.id)
    }
}

/// What the error mapper needs to know of the token endpoint.
enum TokenEndpoint {
    static let operationIDs: Set<String> = ["createToken"]
    static let formExpected =
        "The request body must be form data (application/x-www-form-urlencoded) with the fields grant_type, username and password"
}
