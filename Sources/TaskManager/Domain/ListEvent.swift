import Foundation

/// One entry of a list's history (the event log): what changed, in which list, by whom, when.
/// So far the log records the changes to tasks; the contract's other types follow.
struct ListEvent: Sendable, Equatable {
    enum Kind: String, Sendable, CaseIterable {
        case taskCreated = "task.created"
        case taskUpdated = "task.updated"
        case taskDeleted = "task.deleted"
        /// `listID` is the new list, `fromListID` the old.
        case taskMoved = "task.moved"
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
    /// The task as the change left it; `nil` when it is gone (`taskID` names it).
    var task: TaskItem?
    var taskID: String

    /// The event as a member of `listID` sees it: a task moved out of that list is its id alone,
    /// in that list.
    func seen(from listID: String) -> ListEvent {
        guard kind == .taskMoved, fromListID == listID, self.listID != listID else { return self }
        var seen = self
        seen.listID = listID
        seen.task = nil
        return seen
    }
}
