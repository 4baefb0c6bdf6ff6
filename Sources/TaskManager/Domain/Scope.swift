/// The OAuth2 scopes of the contract. No scope implies another.
enum Scope: String, Sendable, CaseIterable, Comparable {
    case me
    case tasksRead = "tasks:read"
    case tasksWrite = "tasks:write"
    case listsShare = "lists:share"
    case admin

    /// What a user may be granted: every scope, `admin` only for admins.
    static func allowed(isAdmin: Bool) -> [Scope] {
        isAdmin ? allCases : allCases.filter { $0 != .admin }
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
        }
    }

    static func joined(_ scopes: [Scope]) -> String { scopes.sorted().map(\.rawValue).joined(separator: " ") }

    private var order: Int { Scope.allCases.firstIndex(of: self)! }
    static func < (lhs: Scope, rhs: Scope) -> Bool { lhs.order < rhs.order }
}
