import Foundation
import TaskManagerAPI

extension Components.Schemas.TaskList {
    init(_ list: TaskList) {
        self.init(
            id: list.id, name: list.name, role: .init(list.role), owner: .init(id: list.ownerID, username: list.ownerUsername),
            isDefault: list.isDefault, memberCount: list.memberCount, createdAt: list.createdAt, updatedAt: list.updatedAt)
    }
}

extension Components.Schemas.Member {
    init(_ member: ListMember) {
        self.init(userId: member.userID, username: member.username, role: .init(member.role), addedAt: member.addedAt)
    }
}

extension Components.Schemas.Invitation {
    init(_ invitation: Invitation) {
        self.init(
            id: invitation.id, list: .init(id: invitation.listID, name: invitation.listName), username: invitation.username,
            role: invitation.role == .editor ? .editor : .viewer,
            invitedBy: .init(id: invitation.invitedByID, username: invitation.invitedByUsername),
            createdAt: invitation.createdAt, expiresAt: invitation.expiresAt)
    }
}

extension Components.Schemas.ListRole {
    init(_ role: ListRole) {
        switch role {
        case .viewer: self = .viewer
        case .editor: self = .editor
        case .owner: self = .owner
        }
    }
}

extension ListRole {
    /// The roles an owner can give; `owner` is given only by giving the list away.
    init(_ role: Components.Schemas.MemberRole) {
        switch role {
        case .viewer: self = .viewer
        case .editor: self = .editor
        }
    }
}

extension Components.Schemas.Event {
    init(_ event: ListEvent) {
        var task: Components.Schemas.Event.TaskPayload?
        var list: Components.Schemas.Event.ListPayload?
        var member: Components.Schemas.Member?
        var invitation: Components.Schemas.Invitation?
        var movedFrom: String?
        switch event.subject {
        case .task(let item?, _):
            task = .init(value1: .init(item))
            movedFrom = event.kind == .taskMoved ? event.fromListID : nil
        case .task(nil, let id): task = .init(value2: .init(id: id))
        case .list(let shown): list = .init(value1: .init(shown))
        case .deletedList(let id, let name): list = .init(value2: .init(id: id, name: name))
        case .member(let shown): member = .init(shown)
        case .invitation(let shown): invitation = .init(shown)
        }
        self.init(
            id: String(event.id), _type: .init(rawValue: event.kind.rawValue)!, at: event.at, listId: event.listID,
            actor: event.actor.map { .EventActor(.init(id: $0.id, username: $0.username)) } ?? .case2(nil), task: task,
            fromListId: movedFrom, list: list, member: member, invitation: invitation)
    }
}
