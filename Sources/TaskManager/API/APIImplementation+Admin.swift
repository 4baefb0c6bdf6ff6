import Foundation
import TaskManagerAPI

extension APIImplementation {
    func listUsers(_ input: Operations.ListUsers.Input) async throws -> Operations.ListUsers.Output {
        var issues: [ValidationIssue] = []
        let query = PageQuery(limit: input.query.limit, cursor: input.query.cursor, issues: &issues)
        guard issues.isEmpty else { throw APIError.validation(issues) }
        let page = try await services.accounts.page(after: query.cursor, limit: query.limit)
        return .ok(
            .init(
                headers: .init(cacheControl: .noStore),
                body: .json(.init(items: page.items.map(Components.Schemas.User.init), nextCursor: .init(page.next?.encoded)))))
    }

    func updateUser(_ input: Operations.UpdateUser.Input) async throws -> Operations.UpdateUser.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType }
        guard let id = canonicalID(input.path.id) else { throw APIError.notFound(AccountService.userNotFound) }
        let user = try await services.accounts.setFlags(userID: id, isActive: body.isActive, isAdmin: body.isAdmin)
        return .ok(.init(headers: .init(cacheControl: .noStore), body: .json(.init(user))))
    }

    func deleteUser(_ input: Operations.DeleteUser.Input) async throws -> Operations.DeleteUser.Output {
        guard let id = canonicalID(input.path.id) else { throw APIError.notFound(AccountService.userNotFound) }
        try await services.accounts.delete(userID: id)
        return .noContent(.init())
    }

    func resetUserMFA(_ input: Operations.ResetUserMFA.Input) async throws -> Operations.ResetUserMFA.Output {
        try await services.secondFactor.reset(userID: try await services.accounts.existingUserID(input.path.id))
        return .noContent(.init())
    }

    func listClients(_ input: Operations.ListClients.Input) async throws -> Operations.ListClients.Output {
        let items = try await services.clients.list().map(Components.Schemas.Client.init)
        return .ok(.init(headers: .init(cacheControl: .noStore), body: .json(.init(items: items))))
    }

    func createClient(_ input: Operations.CreateClient.Input) async throws -> Operations.CreateClient.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType }
        let registration = ClientService.Registration(
            name: body.clientName, redirectURIs: body.redirectUris, confidential: body.confidential ?? false,
            scopes: body.scopes?.map(Scope.init), postLogoutRedirectURIs: body.postLogoutRedirectUris ?? [])
        let (client, secret) = try await services.clients.register(registration)
        return .created(
            .init(
                headers: .init(cacheControl: .noStore),
                body: .json(
                    .init(
                        clientId: client.id, clientName: client.name, redirectUris: client.redirectURIs,
                        postLogoutRedirectUris: client.postLogoutRedirectURIs, confidential: client.confidential, scopes: client.scopes.compactMap { Components.Schemas.ScopeName(rawValue: $0.rawValue) },
                        createdAt: client.createdAt, clientSecret: secret))))
    }

    func deleteClient(_ input: Operations.DeleteClient.Input) async throws -> Operations.DeleteClient.Output {
        try await services.clients.delete(id: input.path.clientId)
        return .noContent(.init())
    }
}
