import Foundation
import TaskManagerAPI

extension APIImplementation {
    func createTask(_ input: Operations.CreateTask.Input) async throws -> Operations.CreateTask.Output {
        let principal = try Principal.required()
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType }
        try rejectNulls(["title", "description", "done", "priority", "list_id"])
        try Self.validate(title: body.title, description: body.description, dueDate: body.dueDate)
        let now = clock.now()
        let task = TaskItem(
            id: UUID().uuidString.lowercased(), listID: "", createdBy: principal.user.id, title: body.title,
            description: body.description ?? "", done: body.done ?? false,
            priority: body.priority.map(Priority.init) ?? .normal, dueDate: body.dueDate, createdAt: now, updatedAt: now)
        let created =
            if let listID = body.listId {
                try await tasks.create(task, in: try Self.bodyListID(listID), caller: principal.user.id)
            } else {
                try await tasks.create(task, inHome: principal.homeListID)
            }
        return .created(.init(headers: .init(location: "/tasks/\(created.id)"), body: .json(.init(created))))
    }

    func listTasks(_ input: Operations.ListTasks.Input) async throws -> Operations.ListTasks.Output {
        let principal = try Principal.required()
        let query = input.query
        var issues: [ValidationIssue] = []
        let page = PageQuery(limit: query.limit, cursor: query.cursor, issues: &issues)
        if let q = query.q, let problem = FieldRules.searchText(q) {
            issues.append(.init(loc: ["query", "q"], msg: problem, type: FieldRules.textIssueType(q)))
        }
        if let due = query.dueBefore, let problem = FieldRules.date(due) {
            issues.append(.init(loc: ["query", "due_before"], msg: problem, type: "date_from_datetime_parsing"))
        }
        guard issues.isEmpty else { throw APIError.validation(issues) }
        let filter = TaskFilter(
            done: query.done, titleContains: query.q, priority: query.priority.map(Priority.init), dueBefore: query.dueBefore)
        let found = try await tasks.list(
            caller: principal.user.id, listID: query.listId.map(pathID), filter: filter, after: page.cursor, limit: page.limit)
        return .ok(.init(body: .json(.init(items: found.items.map(Components.Schemas.Task.init), nextCursor: .init(found.next?.encoded)))))
    }

    func getTask(_ input: Operations.GetTask.Input) async throws -> Operations.GetTask.Output {
        let principal = try Principal.required()
        let task = try await tasks.find(id: pathID(input.path.id), caller: principal.user.id)
        return .ok(.init(body: .json(.init(task))))
    }

    func updateTask(_ input: Operations.UpdateTask.Input) async throws -> Operations.UpdateTask.Output {
        let principal = try Principal.required()
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType }
        try rejectNulls(["title", "description", "done", "priority", "list_id"])
        try Self.validate(title: body.title, description: body.description, dueDate: body.dueDate)
        let change = TaskChange(
            title: body.title, description: body.description, done: body.done, priority: body.priority.map(Priority.init),
            dueDate: body.dueDate.map(Optional.some) ?? (ExplicitNulls.keys.contains("due_date") ? .some(nil) : nil),
            listID: try body.listId.map(Self.bodyListID))
        let id = pathID(input.path.id)
        let task: TaskItem
        if change.isEmpty {
            // Nothing to change, but still an editor's request.
            task = try await tasks.find(id: id, caller: principal.user.id, atLeast: .editor)
        } else {
            task = try await tasks.update(id: id, caller: principal.user.id, change, at: clock.now())
        }
        return .ok(.init(body: .json(.init(task))))
    }

    func deleteTask(_ input: Operations.DeleteTask.Input) async throws -> Operations.DeleteTask.Output {
        let principal = try Principal.required()
        try await tasks.delete(id: pathID(input.path.id), caller: principal.user.id)
        return .noContent(.init())
    }

    /// A `list_id` in a body is checked like a path id; one that is no id names no list the caller can see.
    private static func bodyListID(_ text: String) throws -> String {
        guard let id = canonicalID(text) else { throw ListAccess.Refusal.invalidField("list_id", ListAccess.Subject.list.notFound) }
        return id
    }

    private static func validate(title: String?, description: String?, dueDate: String?) throws {
        var issues: [ValidationIssue] = []
        if let title, let problem = FieldRules.title(title) {
            issues.append(.init(loc: ["body", "title"], msg: problem, type: "value_error"))
        }
        if let description, let problem = FieldRules.description(description) {
            issues.append(.init(loc: ["body", "description"], msg: problem, type: FieldRules.textIssueType(description)))
        }
        if let dueDate, let problem = FieldRules.date(dueDate) {
            issues.append(.init(loc: ["body", "due_date"], msg: problem, type: "date_from_datetime_parsing"))
        }
        guard issues.isEmpty else { throw APIError.validation(issues) }
    }
}
