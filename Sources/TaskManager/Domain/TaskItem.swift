import Foundation

/// One task. Named `TaskItem` so that it never shadows Swift's concurrency `Task`.
struct TaskItem: Sendable, Equatable {
    var id: String
    var listID: String
    /// Who made it; `nil` once that account is gone.
    var createdBy: String?
    var title: String
    var description: String
    var done: Bool
    var priority: Priority
    /// `YYYY-MM-DD`; stored as text so that it compares as a date on every engine.
    var dueDate: String?
    var createdAt: Date
    var updatedAt: Date
}

enum Priority: String, Sendable, CaseIterable {
    case low, normal, high
}

/// What `PATCH /tasks/{id}` changes: `nil` leaves a field alone; `dueDate: .some(nil)` clears the date.
struct TaskChange: Sendable, Equatable {
    var title: String?
    var description: String?
    var done: Bool?
    var priority: Priority?
    var dueDate: String??
    /// Moves the task to this list.
    var listID: String?

    var isEmpty: Bool {
        title == nil && description == nil && done == nil && priority == nil && dueDate == nil && listID == nil
    }
}

/// The filters of `GET /tasks`.
struct TaskFilter: Sendable, Equatable {
    var done: Bool?
    var titleContains: String?
    var priority: Priority?
    var dueBefore: String?
}
