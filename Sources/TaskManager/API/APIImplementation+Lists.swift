import Foundation
import TaskManagerAPI

/// The `lists` tag. Who may do what is decided in the repository's statements (`ListAccess`);
/// these handlers check the input's shape and map the results.
extension APIImplementation {
    func createList(_ input: Operations.CreateList.Input) async throws -> Operations.CreateList.Output {
        let principal = try Principal.required()
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType }
        try Self.validate(listName: body.name)
        let list = try await lists.create(name: body.name, ownerID: principal.user.id, at: clock.now())
        return .created(.init(headers: .init(location: "/lists/\(list.id)"), body: .json(.init(list))))
    }

    func listLists(_ input: Operations.ListLists.Input) async throws -> Operations.ListLists.Output {
        let principal = try Principal.required()
        var issues: [ValidationIssue] = []
        let page = PageQuery(limit: input.query.limit, cursor: input.query.cursor, issues: &issues, defaultLimit: 50)
        guard issues.isEmpty else { throw APIError.validation(issues) }
        let found = try await lists.page(caller: principal.user.id, after: page.cursor, limit: page.limit)
        return .ok(.init(body: .json(.init(items: found.items.map(Components.Schemas.TaskList.init), nextCursor: .init(found.next?.encoded)))))
    }

    func getList(_ input: Operations.GetList.Input) async throws -> Operations.GetList.Output {
        let principal = try Principal.required()
        let list = try await lists.find(id: pathID(input.path.id), caller: principal.user.id)
        return .ok(.init(body: .json(.init(list))))
    }

    func updateList(_ input: Operations.UpdateList.Input) async throws -> Operations.UpdateList.Output {
        let principal = try Principal.required()
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType }
        try rejectNulls(["name"])
        try Self.validate(listName: body.name)
        let list = try await lists.rename(id: pathID(input.path.id), caller: principal.user.id, to: body.name, at: clock.now())
        return .ok(.init(body: .json(.init(list))))
    }

    func deleteList(_ input: Operations.DeleteList.Input) async throws -> Operations.DeleteList.Output {
        let principal = try Principal.required()
        try await lists.delete(id: pathID(input.path.id), caller: principal.user.id)
        return .noContent(.init())
    }

    private static func validate(listName: String) throws {
        if let problem = FieldRules.listName(listName) {
            throw APIError.invalid(["body", "name"], problem, type: FieldRules.textIssueType(listName))
        }
    }
}

/// A path id as the repositories take it: a lower-case UUID, or "" for anything else, which names
/// nothing (404 in the words of whatever the path asked for).
func pathID(_ text: String) -> String { canonicalID(text) ?? "" }
