import Foundation

/// A list as one member sees it: `role` is the caller's, `isDefault` whether it is the caller's
/// default list (where `POST /tasks` puts a task that names none).
struct TaskList: Sendable, Equatable {
    var id: String
    var name: String
    var role: ListRole
    var ownerID: String
    var ownerUsername: String
    var isDefault: Bool
    var memberCount: Int
    var createdAt: Date
    var updatedAt: Date

    static let defaultName = "My tasks"
}

/// One member of a list.
struct ListMember: Sendable, Equatable {
    var userID: String
    var username: String
    var role: ListRole
    var addedAt: Date
}

/// An invitation to a list, as the owner and the invited user see it.
struct Invitation: Sendable, Equatable {
    enum Status: String, Sendable {
        case pending, accepted, declined, withdrawn, expired
    }

    var id: String
    var listID: String
    var listName: String
    var userID: String
    var username: String
    var role: ListRole
    var invitedByID: String
    var invitedByUsername: String
    var createdAt: Date
    var expiresAt: Date

    /// How long an invitation waits for its answer.
    static let lifetime: TimeInterval = 7 * 24 * 3600

    /// How many invitations may wait: a list's members and pending invitations together, and one
    /// sender's pending invitations (the contract's numbers are `SharingService.limits`).
    struct Limits: Sendable, Equatable {
        var perList: Int
        var perSender: Int
    }
}
