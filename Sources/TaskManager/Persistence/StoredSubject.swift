import Foundation

/// `events.data` for every subject but a task (which `EventLog` writes by hand, on the hot path):
/// the list, member or invitation as the change left it, dates in microseconds, keys in snake case.
enum StoredSubject {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    struct List: Codable {
        var id: String
        var name: String
        var ownerId: String
        var ownerUsername: String
        /// The list's own flag; a reader sees it only when they are its owner.
        var isDefault: Bool
        var memberCount: Int
        var createdAt: Int64
        var updatedAt: Int64
    }

    struct DeletedList: Codable {
        var id: String
        var name: String
    }

    struct Member: Codable {
        var userId: String
        var username: String
        var role: Int
        var addedAt: Int64
    }

    struct Invitation: Codable {
        var id: String
        var listId: String
        var listName: String
        var userId: String
        var username: String
        var role: Int
        var invitedById: String
        var invitedByUsername: String
        var createdAt: Int64
        var expiresAt: Int64
    }

    /// The JSON of `subject` (not a task's).
    static func json(_ subject: ListEvent.Subject) -> String {
        let data: Data?
        switch subject {
        case .task: preconditionFailure("a task's data is written by EventLog")
        case .list(let list):
            data = try? encoder.encode(
                List(
                    id: list.id, name: list.name, ownerId: list.ownerID, ownerUsername: list.ownerUsername, isDefault: list.isDefault,
                    memberCount: list.memberCount, createdAt: Microseconds.from(list.createdAt), updatedAt: Microseconds.from(list.updatedAt)))
        case .deletedList(let id, let name):
            data = try? encoder.encode(DeletedList(id: id, name: name))
        case .member(let member):
            data = try? encoder.encode(
                Member(userId: member.userID, username: member.username, role: member.role.rawValue, addedAt: Microseconds.from(member.addedAt)))
        case .invitation(let invitation):
            data = try? encoder.encode(
                Invitation(
                    id: invitation.id, listId: invitation.listID, listName: invitation.listName, userId: invitation.userID,
                    username: invitation.username, role: invitation.role.rawValue, invitedById: invitation.invitedByID,
                    invitedByUsername: invitation.invitedByUsername, createdAt: Microseconds.from(invitation.createdAt),
                    expiresAt: Microseconds.from(invitation.expiresAt)))
        }
        // Encoding plain strings and integers cannot fail.
        return data.map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// The subject of a stored `kind` event, as a reader whose role in the list is `role` sees it.
    static func subject(of kind: ListEvent.Kind, json: String, readerRole: ListRole?) throws -> ListEvent.Subject {
        let data = Data(json.utf8)
        switch kind {
        case .taskCreated, .taskUpdated, .taskDeleted, .taskMoved:
            preconditionFailure("a task's data is read by EventLog")
        case .listUpdated:
            let list = try decoder.decode(List.self, from: data)
            let role = readerRole ?? .viewer
            return .list(
                TaskList(
                    id: list.id, name: list.name, role: role, ownerID: list.ownerId, ownerUsername: list.ownerUsername,
                    isDefault: list.isDefault && role == .owner, memberCount: list.memberCount, createdAt: Microseconds.date(list.createdAt),
                    updatedAt: Microseconds.date(list.updatedAt)))
        case .listDeleted:
            let list = try decoder.decode(DeletedList.self, from: data)
            return .deletedList(id: list.id, name: list.name)
        case .memberAdded, .memberUpdated, .memberRemoved:
            let member = try decoder.decode(Member.self, from: data)
            return .member(
                ListMember(
                    userID: member.userId, username: member.username, role: ListRole(rawValue: member.role) ?? .viewer,
                    addedAt: Microseconds.date(member.addedAt)))
        case .invitationReceived:
            let invitation = try decoder.decode(Invitation.self, from: data)
            return .invitation(
                .init(
                    id: invitation.id, listID: invitation.listId, listName: invitation.listName, userID: invitation.userId,
                    username: invitation.username, role: ListRole(rawValue: invitation.role) ?? .viewer, invitedByID: invitation.invitedById,
                    invitedByUsername: invitation.invitedByUsername, createdAt: Microseconds.date(invitation.createdAt),
                    expiresAt: Microseconds.date(invitation.expiresAt)))
        }
    }
}
