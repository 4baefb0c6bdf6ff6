import Foundation

/// A login session: created by each successful login, named by the access token's `sid` claim.
/// Ending it (later: revocation, password change, disabling the user) ends every token it issued.
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
}
