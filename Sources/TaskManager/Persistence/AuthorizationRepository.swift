import Foundation

/// The sign-in pages `/authorize` rendered and the codes it issued, both kept by their SHA-256
/// only and both good once.
struct AuthorizationRepository: Sendable {
    let database: AppDatabase

    /// A rendered page's purpose; on a second step, the user whose password was right and the
    /// wrong codes entered so far.
    struct StoredPage: Sendable {
        var purpose: SignInPurpose
        var browserHash: String
        var expiresAt: Date
        var pendingUserID: String? = nil
        var failures = 0
        /// A consent page ("signed in as"): the browser session whose person it asks.
        var browserSessionID: String? = nil
    }

    /// Stores a rendered page's request; drops pages and codes past their time while at it, so the
    /// tables stay as small as ten minutes of traffic.
    func savePage(idHash: String, _ page: StoredPage, now: Date) async throws {
        let nowValue = Microseconds.from(now)
        // A device's row leaves the authorization request's columns empty.
        let (request, deviceCodeHash): (AuthorizationRequest, String?) =
            switch page.purpose {
            case .authorization(let request): (request, nil)
            case .device(let device):
                (AuthorizationRequest(
                    clientID: device.clientID, redirectURI: "", redirectGiven: false, scopes: device.scopes, state: nil, codeChallenge: ""),
                 device.deviceCodeHash)
            }
        try await database.write { sql in
            try await sql.execute("DELETE FROM authorize_requests WHERE expires_at <= \(bind: nowValue)")
            // A code stays a while after its 60 seconds, so that its reuse is still recognised.
            try await sql.execute("DELETE FROM authorization_codes WHERE expires_at <= \(bind: nowValue - 3_600_000_000)")
            try await sql.execute(
                """
                INSERT INTO authorize_requests (id_hash, browser_hash, client_id, redirect_uri, redirect_given, scope, state,
                                                code_challenge, expires_at, user_id, failures, device_code_hash, nonce,
                                                browser_session_id, resource)
                VALUES (\(bind: idHash), \(bind: page.browserHash), \(bind: request.clientID), \(bind: request.redirectURI),
                        \(bind: request.redirectGiven), \(bind: Scope.joined(request.scopes)), \(bind: request.state),
                        \(bind: request.codeChallenge), \(bind: Microseconds.from(page.expiresAt)), \(bind: page.pendingUserID),
                        \(bind: page.failures), \(bind: deviceCodeHash), \(bind: request.nonce), \(bind: page.browserSessionID),
                        \(bind: request.resource.stored))
                """)
        }
    }

    /// Takes the page's request out (once: a second POST of the same page finds nothing).
    func takePage(idHash: String) async throws -> StoredPage? {
        try await database.write { sql in
            try await sql.first(
                """
                DELETE FROM authorize_requests WHERE id_hash = \(bind: idHash)
                RETURNING client_id, redirect_uri, redirect_given, scope, state, code_challenge, browser_hash, expires_at,
                          user_id, failures, device_code_hash, nonce, browser_session_id, resource
                """
            ) { row in
                var request = try Self.decodeRequest(row)
                request.nonce = try row.optionalString(11)
                request.resource = ProtectedResource(stored: try row.optionalString(13))
                let purpose: SignInPurpose =
                    if let deviceCodeHash = try row.optionalString(10) {
                        .device(DeviceApprovalRequest(clientID: request.clientID, scopes: request.scopes, deviceCodeHash: deviceCodeHash))
                    } else {
                        .authorization(request)
                    }
                return StoredPage(
                    purpose: purpose, browserHash: try row.string(6),
                    expiresAt: Microseconds.date(try row.int64(7)), pendingUserID: try row.optionalString(8),
                    failures: try row.int(9), browserSessionID: try row.optionalString(12))
            }
        }
    }

    func saveCode(hash: String, _ code: AuthorizationCode) async throws {
        let request = code.request
        try await database.write { sql in
            try await sql.execute(
                """
                INSERT INTO authorization_codes (code_hash, client_id, user_id, redirect_uri, redirect_given, scope, code_challenge,
                                                 expires_at, amr, nonce, auth_time, resource)
                VALUES (\(bind: hash), \(bind: request.clientID), \(bind: code.userID), \(bind: request.redirectURI),
                        \(bind: request.redirectGiven), \(bind: Scope.joined(request.scopes)), \(bind: request.codeChallenge),
                        \(bind: Microseconds.from(code.expiresAt)), \(bind: AuthMethod.joined(code.amr)), \(bind: request.nonce),
                        \(bind: code.authTime.map(Microseconds.from)), \(bind: request.resource.stored))
                """)
        }
    }

    enum Redemption: Sendable {
        /// The code was good: this session (with `refreshToken`) is now its; `nonce` is its request's.
        case redeemed(session: LoginSession, user: User, nonce: String?)
        /// Unknown, expired, or not what the exchange says (client, redirect URI, verifier): used up now.
        case refused
        /// Used before: the session that first use made has just ended.
        case reused
    }

    /// Marks the code used and, when `accepts` it and its user is active, opens the session
    /// `makeSession` describes — in one transaction, so that of two exchanges racing with one code
    /// exactly one wins, and a later one finds the session to end.
    func redeem(
        hash: String, now: Date, accepts: @Sendable (AuthorizationCode) -> Bool,
        makeSession: @Sendable (AuthorizationCode, User) -> (session: LoginSession, refreshTokenHash: String)
    ) async throws -> Redemption {
        let nowValue = Microseconds.from(now)
        let (redemption, ended) = try await database.write { sql -> (Redemption, String?) in
            let marked = try await sql.first(
                """
                UPDATE authorization_codes SET used_at = \(bind: nowValue)
                WHERE code_hash = \(bind: hash) AND used_at IS NULL
                RETURNING client_id, redirect_uri, redirect_given, scope, code_challenge, user_id, expires_at, amr, nonce, auth_time,
                          resource
                """
            ) { row in
                var request = try Self.decodeRequest(row, state: false)
                request.nonce = try row.optionalString(8)
                request.resource = ProtectedResource(stored: try row.optionalString(10))
                return AuthorizationCode(
                    request: request, userID: try row.string(5), expiresAt: Microseconds.date(try row.int64(6)),
                    amr: AuthMethod.parseList(try row.optionalString(7)), authTime: try row.optionalInt64(9).map(Microseconds.date))
            }
            guard let code = marked else {
                let earlier = try await sql.first(
                    "SELECT session_id FROM authorization_codes WHERE code_hash = \(bind: hash)", { try $0.optionalString(0) })
                guard case .some(.some(let sessionID)) = earlier else { return (.refused, nil) }
                try await sql.execute(
                    "UPDATE sessions SET revoked_at = \(bind: nowValue) WHERE id = \(bind: sessionID) AND revoked_at IS NULL")
                return (.reused, sessionID)
            }
            guard code.expiresAt > now, accepts(code), let user = try await UserRepository.find(id: code.userID, on: sql),
                user.isActive
            else { return (.refused, nil) }
            let (session, refreshTokenHash) = makeSession(code, user)
            try await SessionRepository.insert(session, refreshTokenHash: refreshTokenHash, on: sql)
            try await sql.execute(
                "UPDATE authorization_codes SET session_id = \(bind: session.id) WHERE code_hash = \(bind: hash)")
            return (.redeemed(session: session, user: user, nonce: code.request.nonce), nil)
        }
        if let ended { database.sessionCache.evict(sessionID: ended) }
        return redemption
    }

    /// client_id, redirect_uri, redirect_given, scope, then (with `state`) state and code_challenge,
    /// else code_challenge.
    private static func decodeRequest(_ row: SQLRow, state: Bool = true) throws -> AuthorizationRequest {
        AuthorizationRequest(
            clientID: try row.string(0), redirectURI: try row.string(1), redirectGiven: try row.bool(2),
            scopes: Scope.parseList(try row.string(3)) ?? [], state: state ? try row.optionalString(4) : nil,
            codeChallenge: try row.string(state ? 5 : 4))
    }
}
