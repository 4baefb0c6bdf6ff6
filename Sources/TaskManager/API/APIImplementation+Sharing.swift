import Foundation
import TaskManagerAPI

/// The `sharing` tag: members, giving a list away, invitations — unwrap, `SharingService`, map.
/// Nothing here compares user ids.
extension APIImplementation {
    func listMembers(_ input: Operations.ListMembers.Input) async throws -> Operations.ListMembers.Output {
        let principal = try Principal.required()
        let members = try await services.sharing.members(listID: input.path.id, caller: principal.user.id)
        return .ok(.init(body: .json(.init(items: members.map(Components.Schemas.Member.init)))))
    }

    func updateMember(_ input: Operations.UpdateMember.Input) async throws -> Operations.UpdateMember.Output {
        let principal = try Principal.required()
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType }
        let member = try await services.sharing.setRole(
            listID: input.path.id, userID: input.path.userId, to: ListRole(body.role), caller: principal.user.id)
        return .ok(.init(body: .json(.init(member))))
    }

    func removeMember(_ input: Operations.RemoveMember.Input) async throws -> Operations.RemoveMember.Output {
        let principal = try Principal.required()
        try await services.sharing.removeMember(listID: input.path.id, userID: input.path.userId, caller: principal.user.id)
        return .noContent(.init())
    }

    func transferList(_ input: Operations.TransferList.Input) async throws -> Operations.TransferList.Output {
        let principal = try Principal.required()
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType }
        let list = try await services.sharing.transfer(listID: input.path.id, to: body.userId, caller: principal.user.id)
        return .ok(.init(body: .json(.init(list))))
    }

    func createInvitation(_ input: Operations.CreateInvitation.Input) async throws -> Operations.CreateInvitation.Output {
        let principal = try Principal.required()
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType }
        let invitation = try await services.sharing.invite(
            listID: input.path.id, username: body.username, role: ListRole(body.role), caller: principal.user.id)
        return .created(.init(body: .json(.init(invitation))))
    }

    func listInvitations(_ input: Operations.ListInvitations.Input) async throws -> Operations.ListInvitations.Output {
        let principal = try Principal.required()
        let pending = try await services.sharing.pending(listID: input.path.id, caller: principal.user.id)
        return .ok(.init(body: .json(.init(items: pending.map(Components.Schemas.Invitation.init)))))
    }

    func withdrawInvitation(_ input: Operations.WithdrawInvitation.Input) async throws -> Operations.WithdrawInvitation.Output {
        let principal = try Principal.required()
        try await services.sharing.withdraw(listID: input.path.id, invitationID: input.path.invitationId, caller: principal.user.id)
        return .noContent(.init())
    }

    func listMyInvitations(_ input: Operations.ListMyInvitations.Input) async throws -> Operations.ListMyInvitations.Output {
        let principal = try Principal.required()
        let mine = try await services.sharing.addressed(to: principal.user.id)
        return .ok(.init(body: .json(.init(items: mine.map(Components.Schemas.Invitation.init)))))
    }

    func acceptInvitation(_ input: Operations.AcceptInvitation.Input) async throws -> Operations.AcceptInvitation.Output {
        let principal = try Principal.required()
        let list = try await services.sharing.accept(invitationID: input.path.id, caller: principal.user.id)
        return .ok(.init(body: .json(.init(list))))
    }

    func declineInvitation(_ input: Operations.DeclineInvitation.Input) async throws -> Operations.DeclineInvitation.Output {
        let principal = try Principal.required()
        try await services.sharing.decline(invitationID: input.path.id, caller: principal.user.id)
        return .noContent(.init())
    }
}
