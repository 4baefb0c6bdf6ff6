import Foundation

/// One change, as the event log keeps it and as one reader sees it: what changed, in which list,
/// by whom, when.
struct ListEvent: Sendable, Equatable {
    enum Kind: String, Sendable, CaseIterable {
        case taskCreated = "task.created"
        case taskUpdated = "task.updated"
        case taskDeleted = "task.deleted"
        /// `listID` is the new list, `fromListID` the old.
        case taskMoved = "task.moved"
        case listUpdated = "list.updated"
        case listDeleted = "list.deleted"
        case memberAdded = "member.added"
        case memberUpdated = "member.updated"
        case memberRemoved = "member.removed"
        case invitationReceived = "invitation.received"
    }

    /// What the event is about.
    enum Subject: Sendable, Equatable {
        /// The task as the change left it; `nil` when it is gone, or seen from the list it left.
        case task(TaskItem?, id: String)
        /// The list as the reader sees it (`role` is theirs).
        case list(TaskList)
        case deletedList(id: String, name: String)
        case member(ListMember)
        case invitation(Invitation)
    }

    struct Actor: Sendable, Equatable {
        var id: String
        var username: String
    }

    /// Larger for every later event, in commit order (`EventLogSchema`).
    var id: Int64
    var kind: Kind
    var at: Date
    var listID: String
    var fromListID: String?
    /// The user whose request made the change; `nil` once that account is gone.
    var actor: Actor?
    var subject: Subject

    /// The event as a member of `listID` alone sees it: a task moved out of that list is its id
    /// alone, in that list.
    func seen(from listID: String) -> ListEvent {
        guard kind == .taskMoved, fromListID == listID, self.listID != listID, case .task(_, let id) = subject else { return self }
        var seen = self
        seen.listID = listID
        seen.subject = .task(nil, id: id)
        return seen
    }
}
