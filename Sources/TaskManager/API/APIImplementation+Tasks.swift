import Foundation
import TaskManagerAPI

/// The `tasks` tag: unwrap, `TaskService`, map.
extension APIImplementation {
    func createTask(_ input: Operations.CreateTask.Input) async throws -> Operations.CreateTask.Output {
        let principal = try Principal.required()
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType }
        let draft = TaskService.Draft(
            title: body.title, description: body.description, done: body.done, priority: body.priority.map(Priority.init),
            dueDate: body.dueDate, listID: body.listId)
        let created = try await services.tasks.create(draft, by: principal)
        return DirectJSONOutbox.offer(
            .created(.init(headers: .init(location: "/tasks/\(created.id)"), body: .json(.init(created)))), placeholder: .undocumented(statusCode: 200, .init()))
    }

    func listTasks(_ input: Operations.ListTasks.Input) async throws -> Operations.ListTasks.Output {
        let principal = try Principal.required()
        let query = input.query
        var issues: [ValidationIssue] = []
        let page = PageQuery(limit: query.limit, cursor: query.cursor, issues: &issues)
        let filter = TaskFilter(
            done: query.done, q: query.q, priority: query.priority.map(Priority.init), dueBefore: query.dueBefore, issues: &issues)
        guard issues.isEmpty else { throw APIError.validation(issues) }
        let found = try await services.tasks.page(
            caller: principal.user.id, listID: query.listId, filter: filter, after: page.cursor, limit: page.limit)
        let answer = Components.Schemas.TaskPage(items: found.items.map(Components.Schemas.Task.init), nextCursor: .init(found.next?.encoded))
        return DirectJSONOutbox.offer(.ok(.init(body: .json(answer))), placeholder: .undocumented(statusCode: 200, .init()))
    }

    func getTask(_ input: Operations.GetTask.Input) async throws -> Operations.GetTask.Output {
        let principal = try Principal.required()
        let task = try await services.tasks.find(id: input.path.id, caller: principal.user.id)
        return DirectJSONOutbox.offer(.ok(.init(body: .json(.init(task)))), placeholder: .undocumented(statusCode: 200, .init()))
    }

    func updateTask(_ input: Operations.UpdateTask.Input) async throws -> Operations.UpdateTask.Output {
        let principal = try Principal.required()
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType }
        let change = TaskChange(
            title: body.title, description: body.description, done: body.done, priority: body.priority.map(Priority.init),
            dueDate: body.dueDate.map(Optional.some) ?? (ExplicitNulls.keys.contains("due_date") ? .some(nil) : nil),
            listID: body.listId)
        let task = try await services.tasks.update(id: input.path.id, caller: principal.user.id, change)
        return DirectJSONOutbox.offer(.ok(.init(body: .json(.init(task)))), placeholder: .undocumented(statusCode: 200, .init()))
    }

    func deleteTask(_ input: Operations.DeleteTask.Input) async throws -> Operations.DeleteTask.Output {
        let principal = try Principal.required()
        try await services.tasks.delete(id: input.path.id, caller: principal.user.id)
        return .noContent(.init())
    }
}
