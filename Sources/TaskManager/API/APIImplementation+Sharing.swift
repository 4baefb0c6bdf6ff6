import Foundation
import TaskManagerAPI

/// The `sharing` tag: members, giving a list away, invitations. Who may do what is decided in the
/// repositories' statements (`ListAccess`); nothing here compares user ids.
extension APIImplementation {
    func listMembers(_ input: Operations.ListMembers.Input) async throws -> Operations.ListMembers.Output {
        let principal = try Principal.required()
        let members = try await lists.members(listID: pathID(input.path.id), caller: principal.user.id)
        return .ok(.init(body: .json(.init(items: members.map(Components.Schemas.Member.init)))))
    }

    func updateMember(_ input: Operations.UpdateMember.Input) async throws -> Operations.UpdateMember.Output {
        let principal = try Principal.required()
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType }
        try rejectNulls(["role"])
        let member = try await lists.setRole(
            listID: pathID(input.path.id), userID: pathID(input.path.userId), to: ListRole(body.role), caller: principal.user.id)
        return .ok(.init(body: .json(.init(member))))
    }

    func removeMember(_ input: Operations.RemoveMember.Input) async throws -> Operations.RemoveMember.Output {
        let principal = try Principal.required()
        try await lists.removeMember(listID: pathID(input.path.id), userID: pathID(input.path.userId), caller: principal.user.id)
        return .noContent(.init())
    }

    func transferList(_ input: Operations.TransferList.Input) async throws -> Operations.TransferList.Output {
        let principal = try Principal.required()
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType }
        try rejectNulls(["user_id"])
        guard let newOwner = canonicalID(body.userId) else {
            throw APIError.invalid(["body", "user_id"], "Not a member of this list")
        }
        let list = try await lists.transfer(listID: pathID(input.path.id), to: newOwner, caller: principal.user.id, at: clock.now())
        return .ok(.init(body: .json(.init(list))))
    }

    func createInvitation(_ input: Operations.CreateInvitation.Input) async throws -> Operations.CreateInvitation.Output {
        let principal = try Principal.required()
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType }
        try rejectNulls(["username", "role"])
        let invitation = try await invitations.invite(
            listID: pathID(input.path.id), username: body.username, role: ListRole(body.role), caller: principal.user.id,
            at: clock.now())
        return .created(.init(body: .json(.init(invitation))))
    }

    func listInvitations(_ input: Operations.ListInvitations.Input) async throws -> Operations.ListInvitations.Output {
        let principal = try Principal.required()
        let pending = try await invitations.pending(listID: pathID(input.path.id), caller: principal.user.id, at: clock.now())
        return .ok(.init(body: .json(.init(items: pending.map(Components.Schemas.Invitation.init)))))
    }

    func withdrawInvitation(_ input: Operations.WithdrawInvitation.Input) async throws -> Operations.WithdrawInvitation.Output {
        let principal = try Principal.required()
        try await invitations.withdraw(
            listID: pathID(input.path.id), invitationID: pathID(input.path.invitationId), caller: principal.user.id, at: clock.now())
        return .noContent(.init())
    }

    func listMyInvitations(_ input: Operations.ListMyInvitations.Input) async throws -> Operations.ListMyInvitations.Output {
        let principal = try Principal.required()
        let mine = try await invitations.addressed(to: principal.user.id, at: clock.now())
        return .ok(.init(body: .json(.init(items: mine.map(Components.Schemas.Invitation.init)))))
    }

    func acceptInvitation(_ input: Operations.AcceptInvitation.Input) async throws -> Operations.AcceptInvitation.Output {
        let principal = try Principal.required()
        let listID = try await invitations.accept(invitationID: pathID(input.path.id), caller: principal.user.id, at: clock.now())
        return .ok(.init(body: .json(.init(try await lists.find(id: listID, caller: principal.user.id)))))
    }

    func declineInvitation(_ input: Operations.DeclineInvitation.Input) async throws -> Operations.DeclineInvitation.Output {
        let principal = try Principal.required()
        try await invitations.decline(invitationID: pathID(input.path.id), caller: principal.user.id, at: clock.now())
        return .noContent(.init())
    }
}
