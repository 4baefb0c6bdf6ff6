import Foundation

/// Sharing a list: members and their roles, giving a list away, invitations — the rules (the
/// owner stays until the list is given away, the limits on waiting invitations) and their words.
/// Who may do each is `ListAccess`'s, inside the repositories' statements.
struct SharingService: Sendable {
    let lists: ListRepository
    let invitations: InvitationRepository
    let clock: AppClock

    /// At most 100 members and pending invitations a list, 50 pending invitations a sender.
    static let limits = Invitation.Limits(perList: 100, perSender: 50)

    func members(listID: String, caller: String) async throws -> [ListMember] {
        try await lists.members(listID: pathID(listID), caller: caller)
    }

    /// The owner makes a member a viewer or an editor.
    func setRole(listID: String, userID: String, to role: ListRole, caller: String) async throws -> ListMember {
        guard let member = try await lists.setRole(listID: pathID(listID), userID: pathID(userID), to: role, caller: caller, at: clock.now()) else {
            throw APIError.conflict("The owner's role changes only by giving the list away")
        }
        return member
    }

    /// The owner removes a member, or a member leaves.
    func removeMember(listID: String, userID: String, caller: String) async throws {
        guard try await lists.removeMember(listID: pathID(listID), userID: pathID(userID), caller: caller, at: clock.now()) else {
            throw APIError.conflict("The owner cannot leave the list: give it away first")
        }
    }

    /// The owner gives the list to a member (`newOwner` as sent), and becomes an editor.
    func transfer(listID: String, to newOwner: String, caller: String) async throws -> TaskList {
        let notAMember = InvalidFields.single("user_id", "Not a member of this list")
        guard let newOwner = canonicalID(newOwner) else { throw notAMember }
        switch try await lists.transfer(listID: pathID(listID), to: newOwner, caller: caller, at: clock.now()) {
        case .transferred(let list): return list
        case .defaultList: throw APIError.conflict("The default list cannot be given away")
        case .notAMember: throw notAMember
        }
    }

    /// The owner invites `username` as `role`.
    func invite(listID: String, username: String, role: ListRole, caller: String) async throws -> Invitation {
        let outcome = try await invitations.invite(
            listID: pathID(listID), username: username, role: role, caller: caller, at: clock.now(), limits: Self.limits)
        switch outcome {
        case .invited(let invitation): return invitation
        case .unknownUser: throw ListAccess.Refusal.notFound(.user)
        case .alreadyMember: throw APIError.conflict("\(username) is already a member of this list")
        case .alreadyInvited: throw APIError.conflict("\(username) is already invited to this list")
        case .listFull: throw APIError.conflict("A list has at most \(Self.limits.perList) members and pending invitations")
        case .senderFull: throw APIError.conflict("You have \(Self.limits.perSender) pending invitations: withdraw some first")
        }
    }

    /// The list's pending invitations (owner only).
    func pending(listID: String, caller: String) async throws -> [Invitation] {
        try await invitations.pending(listID: pathID(listID), caller: caller, at: clock.now())
    }

    func withdraw(listID: String, invitationID: String, caller: String) async throws {
        try await invitations.withdraw(listID: pathID(listID), invitationID: pathID(invitationID), caller: caller, at: clock.now())
    }

    /// The caller's own pending invitations.
    func addressed(to caller: String) async throws -> [Invitation] {
        try await invitations.addressed(to: caller, at: clock.now())
    }

    /// The addressee accepts, and gets the list as they now see it.
    func accept(invitationID: String, caller: String) async throws -> TaskList {
        switch try await invitations.accept(invitationID: pathID(invitationID), caller: caller, at: clock.now()) {
        case .joined(let listID): return try await lists.find(id: listID, caller: caller)
        case .noSuchInvitation: throw ListAccess.Refusal.notFound(.invitation)
        case .alreadyMember: throw APIError.conflict("You are already a member of this list")
        }
    }

    func decline(invitationID: String, caller: String) async throws {
        guard try await invitations.decline(invitationID: pathID(invitationID), caller: caller, at: clock.now()) else {
            throw ListAccess.Refusal.notFound(.invitation)
        }
    }
}
