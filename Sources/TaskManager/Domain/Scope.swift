/// The OAuth2 scopes of the contract. No scope implies another.
enum Scope: String, Sendable, CaseIterable, Comparable {
    case me
    case tasksRead = "tasks:read"
    case tasksWrite = "tasks:write"
    case listsShare = "lists:share"
    case admin
    // OpenID Connect's: about who the person is, not the API's.
    case openid
    case profile
    case email

    /// `openid`, `profile` and `email`: granted only when asked for, to any client.
    var isIdentity: Bool { self == .openid || self == .profile || self == .email }

    /// The API's scopes, what a client may have by default.
    static let api = allCases.filter { !$0.isIdentity }

    /// What a user may be granted: every scope, `admin` only for admins.
    static func allowed(isAdmin: Bool) -> [Scope] {
        isAdmin ? allCases : allCases.filter { $0 != .admin }
    }

    /// Of `scopes` (a token's or a session's), those the user may still have: an admin demoted
    /// since the sign-in keeps the others but not `admin`.
    static func honoured(_ scopes: [Scope], isAdmin: Bool) -> [Scope] {
        scopes.filter(allowed(isAdmin: isAdmin).contains)
    }

    /// What a request that names no scope gets: what the user may have, but the identity scopes.
    static func byDefault(isAdmin: Bool) -> [Scope] {
        allowed(isAdmin: isAdmin).filter { !$0.isIdentity }
    }

    /// Parses a space-separated scope string; `nil` when any part is not a known scope.
    static func parseList(_ text: String) -> [Scope]? {
        var scopes: [Scope] = []
        for part in text.split(whereSeparator: { $0 == " " }) {
            guard let scope = Scope(rawValue: String(part)) else { return nil }
            if !scopes.contains(scope) { scopes.append(scope) }
        }
        return scopes.sorted()
    }

    /// What the sign-in page says a client asking for the scope may do.
    var inWords: String {
        switch self {
        case .me: "See and change your profile and your login sessions"
        case .tasksRead: "See your tasks"
        case .tasksWrite: "Create, change and delete your tasks"
        case .listsShare: "Share your lists: invite, change and remove members, answer invitations"
        case .admin: "Administer every account and client (admins only)"
        case .openid: "Know who you are: your account's id"
        case .profile: "See your username and name"
        case .email: "See your email address"
        }
    }

    static func joined(_ scopes: [Scope]) -> String { scopes.sorted().map(\.rawValue).joined(separator: " ") }

    private var order: Int { Scope.allCases.firstIndex(of: self)! }
    static func < (lhs: Scope, rhs: Scope) -> Bool { lhs.order < rhs.order }
}
