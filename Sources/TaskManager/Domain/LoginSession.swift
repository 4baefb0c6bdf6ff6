import Foundation

/// A login session: created by each successful login, named by the access token's `sid` claim.
/// Ending it (revocation, a password change, disabling the user) ends every token it issued.
/// A browser's sign-in session (`kind` `.browser`) is one too: it issues no token, and lets the
/// sign-in pages skip the password while it lives.
struct LoginSession: Sendable, Equatable {
    var id: String
    var userID: String
    var scopes: [Scope]
    var createdAt: Date
    var lastUsedAt: Date
    var expiresAt: Date
    var userAgent: String?
    var revokedAt: Date?
    /// The client it was made through; `nil` for the password grant.
    var clientID: String? = nil
    /// How the user signed in (RFC 8176), carried into every access token of the session.
    var amr: [AuthMethod] = [.password]
    var kind = SessionKind.token
    /// When the person last entered their password; `nil`: when the session began.
    var authTime: Date? = nil
    /// What its tokens are for (RFC 8707): their audience, kept by every refresh.
    var resource = ProtectedResource.api

    /// When the person last entered their password (OpenID Connect's `auth_time`).
    var signedInAt: Date { authTime ?? createdAt }

    /// Not revoked (nor ended by a password change or a disabled account) and not expired.
    func isLive(at date: Date) -> Bool { revokedAt == nil && expiresAt > date }

    /// Live, and one that issues tokens: what a token's `sid` must name (no token names a browser
    /// session; should one ever, it is refused all the same).
    func isLiveTokenSession(at date: Date) -> Bool { kind == .token && isLive(at: date) }
}

/// RFC 8176 authentication method references, as access tokens carry them in `amr`.
enum AuthMethod: String, Sendable, Equatable {
    case password = "pwd"
    case oneTimePassword = "otp"

    static func parseList(_ text: String?) -> [AuthMethod] {
        guard let text else { return [.password] }
        let methods = text.split(separator: " ").compactMap { AuthMethod(rawValue: String($0)) }
        return methods.isEmpty ? [.password] : methods
    }

    static func joined(_ methods: [AuthMethod]) -> String { methods.map(\.rawValue).joined(separator: " ") }
}

/// What a login session is: one that issues tokens, or a browser's sign-in session (single sign-on).
enum SessionKind: String, Sendable, Equatable {
    case token
    case browser
}
