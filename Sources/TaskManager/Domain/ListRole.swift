/// A member's role in a list, weakest first. Stored as its number so that "at least editor" is a
/// comparison in SQL (`m.role >= 2`), the same on both engines.
enum ListRole: Int, Sendable, Comparable, CaseIterable {
    case viewer = 1
    case editor = 2
    case owner = 3

    var name: String {
        switch self {
        case .viewer: "viewer"
        case .editor: "editor"
        case .owner: "owner"
        }
    }

    init?(name: String) {
        guard let role = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = role
    }

    static func < (lhs: ListRole, rhs: ListRole) -> Bool { lhs.rawValue < rhs.rawValue }
}
