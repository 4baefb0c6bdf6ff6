import Foundation

/// Tasks, as every front door asks for them (the HTTP handlers, and the MCP tools): the rules
/// of a task's fields and the contract's words for a refusal live here; who may touch which task
/// is `ListAccess`'s, inside the repository's statements.
struct TaskService: Sendable {
    let tasks: TaskRepository
    let clock: AppClock

    /// A new task as asked for; `listID` is the text the caller sent, checked like any id.
    struct Draft: Sendable {
        var title: String
        var description: String?
        var done: Bool?
        var priority: Priority?
        var dueDate: String?
        var listID: String?
    }

    /// Creates the task in the named list (the caller must be an editor there) or the caller's
    /// default list.
    func create(_ draft: Draft, by principal: Principal) async throws -> TaskItem {
        try Self.check(title: draft.title, description: draft.description, dueDate: draft.dueDate)
        let listID = try draft.listID.map(Self.bodyListID)
        let now = clock.now()
        let task = TaskItem(
            id: UUID().uuidString.lowercased(), listID: "", createdBy: principal.user.id, title: draft.title,
            description: draft.description ?? "", done: draft.done ?? false, priority: draft.priority ?? .normal,
            dueDate: draft.dueDate, createdAt: now, updatedAt: now)
        guard let listID else { return try await tasks.create(task, inHome: principal.homeListID) }
        return try await Self.namingTheBodysList { try await tasks.create(task, in: listID, caller: principal.user.id) }
    }

    func page(caller: String, listID: String?, filter: TaskFilter, after cursor: PageCursor?, limit: Int) async throws
        -> (items: [TaskItem], next: PageCursor?)
    {
        try await tasks.list(caller: caller, listID: listID.map(pathID), filter: filter, after: cursor, limit: limit)
    }

    func find(id: String, caller: String) async throws -> TaskItem {
        try await tasks.find(id: pathID(id), caller: caller)
    }

    /// Applies `change` (its `listID` as sent); needs `editor` in the task's list and in the list
    /// it moves to. An empty change changes nothing but is still an editor's request.
    func update(id: String, caller: String, _ change: TaskChange) async throws -> TaskItem {
        try Self.check(title: change.title, description: change.description, dueDate: change.dueDate ?? nil)
        var stored = change
        stored.listID = try change.listID.map(Self.bodyListID)
        let id = pathID(id)
        if stored.isEmpty { return try await tasks.find(id: id, caller: caller, atLeast: .editor) }
        return try await Self.namingTheBodysList { try await tasks.update(id: id, caller: caller, stored, at: clock.now()) }
    }

    func delete(id: String, caller: String) async throws {
        try await tasks.delete(id: pathID(id), caller: caller, at: clock.now())
    }

    /// Every problem of the fields at once.
    private static func check(title: String?, description: String?, dueDate: String?) throws {
        var invalid = InvalidFields(problems: [])
        invalid.check(field: "title", title)
        invalid.check(field: "description", description)
        invalid.check(field: "due_date", dueDate)
        try invalid.throwIfAny()
    }

    /// A `list_id` in a body is checked like a path id; one that is no id names no list the caller can see.
    private static func bodyListID(_ text: String) throws -> String {
        guard let id = canonicalID(text) else { throw listNotFound }
        return id
    }

    /// A list named in a body that the caller cannot see is a field's problem (422), not a missing
    /// path (404); a role too weak there is still 403.
    private static func namingTheBodysList<T>(_ write: () async throws -> T) async throws -> T {
        do {
            return try await write()
        } catch ListAccess.Refusal.notFound(.list) {
            throw listNotFound
        }
    }

    private static let listNotFound = InvalidFields.single("list_id", ListAccess.Subject.list.notFound)
}
