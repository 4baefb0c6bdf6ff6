import Foundation

/// An account as the services see it. The password hash never leaves the persistence and auth layers.
struct User: Sendable, Equatable {
    var id: String
    var username: String
    var email: String?
    var fullName: String?
    var passwordHash: String
    var isActive: Bool
    var isAdmin: Bool
    var createdAt: Date
    /// A confirmed second factor (TOTP): the password alone no longer signs in.
    var mfaEnabled = false
    /// When `PATCH /me` last changed the email or the name; `nil`: not since the account was made.
    /// `/userinfo`'s `updated_at`.
    var profileUpdatedAt: Date? = nil
}

/// The fields `PATCH /me` may change: `.some(nil)` clears a field, `nil` leaves it alone.
struct UserProfileChange: Sendable, Equatable {
    var email: String??
    var fullName: String??
}
