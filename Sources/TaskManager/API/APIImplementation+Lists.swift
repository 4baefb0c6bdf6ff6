import Foundation
import TaskManagerAPI

/// The `lists` tag: unwrap, `ListService`, map.
extension APIImplementation {
    func createList(_ input: Operations.CreateList.Input) async throws -> Operations.CreateList.Output {
        let principal = try Principal.required()
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType }
        let list = try await services.lists.create(name: body.name, owner: principal.user.id)
        return .created(.init(headers: .init(location: "/lists/\(list.id)"), body: .json(.init(list))))
    }

    func listLists(_ input: Operations.ListLists.Input) async throws -> Operations.ListLists.Output {
        let principal = try Principal.required()
        var issues: [ValidationIssue] = []
        let page = PageQuery(limit: input.query.limit, cursor: input.query.cursor, issues: &issues, defaultLimit: 50)
        guard issues.isEmpty else { throw APIError.validation(issues) }
        let found = try await services.lists.page(caller: principal.user.id, after: page.cursor, limit: page.limit)
        return .ok(.init(body: .json(.init(items: found.items.map(Components.Schemas.TaskList.init), nextCursor: .init(found.next?.encoded)))))
    }

    func listActivity(_ input: Operations.ListActivity.Input) async throws -> Operations.ListActivity.Output {
        let principal = try Principal.required()
        var issues: [ValidationIssue] = []
        let limit = PageQuery.limit(input.query.limit, issues: &issues)
        // An event id: decimal digits, as `next_cursor` gives them.
        let cursor = input.query.cursor.flatMap(EventService.eventID)
        if input.query.cursor != nil, cursor == nil {
            issues.append(.init(loc: ["query", "cursor"], msg: "Invalid cursor", type: "value_error"))
        }
        guard issues.isEmpty else { throw APIError.validation(issues) }
        let found = try await services.events.activity(listID: input.path.id, caller: principal.user.id, before: cursor, limit: limit)
        return .ok(
            .init(body: .json(.init(items: found.items.map(Components.Schemas.Event.init), nextCursor: .init(found.next.map(String.init))))))
    }

    func getList(_ input: Operations.GetList.Input) async throws -> Operations.GetList.Output {
        let principal = try Principal.required()
        return .ok(.init(body: .json(.init(try await services.lists.find(id: input.path.id, caller: principal.user.id)))))
    }

    func updateList(_ input: Operations.UpdateList.Input) async throws -> Operations.UpdateList.Output {
        let principal = try Principal.required()
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType }
        let list = try await services.lists.rename(id: input.path.id, to: body.name, caller: principal.user.id)
        return .ok(.init(body: .json(.init(list))))
    }

    func deleteList(_ input: Operations.DeleteList.Input) async throws -> Operations.DeleteList.Output {
        let principal = try Principal.required()
        try await services.lists.delete(id: input.path.id, caller: principal.user.id)
        return .noContent(.init())
    }
}
