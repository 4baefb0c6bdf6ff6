import Foundation
import TaskManagerAPI

extension APIImplementation {
    func listUsers(_ input: Operations.ListUsers.Input) async throws -> Operations.ListUsers.Output {
        var issues: [ValidationIssue] = []
        let query = PageQuery(limit: input.query.limit, cursor: input.query.cursor, issues: &issues)
        guard issues.isEmpty else { throw APIError.validation(issues) }
        let page = try await users.list(after: query.cursor, limit: query.limit)
        return .ok(
            .init(
                headers: .init(cacheControl: .noStore),
                body: .json(.init(items: page.items.map(Components.Schemas.User.init), nextCursor: .init(page.next?.encoded)))))
    }

    func updateUser(_ input: Operations.UpdateUser.Input) async throws -> Operations.UpdateUser.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType }
        try rejectNulls(["is_active", "is_admin"])
        guard let id = canonicalID(input.path.id) else { throw APIError.notFound(AccountService.userNotFound) }
        let user = try await accounts.setFlags(userID: id, isActive: body.isActive, isAdmin: body.isAdmin, now: clock.now())
        return .ok(.init(headers: .init(cacheControl: .noStore), body: .json(.init(user))))
    }

    func deleteUser(_ input: Operations.DeleteUser.Input) async throws -> Operations.DeleteUser.Output {
        guard let id = canonicalID(input.path.id) else { throw APIError.notFound(AccountService.userNotFound) }
        try await accounts.delete(userID: id)
        return .noContent(.init())
    }
}
