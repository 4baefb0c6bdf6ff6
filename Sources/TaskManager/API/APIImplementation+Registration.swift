import Foundation
import TaskManagerAPI

extension APIImplementation {
    /// RFC 7591: a public client registered by anyone (an MCP client, by itself).
    func registerClient(_ input: Operations.RegisterClient.Input) async throws -> Operations.RegisterClient.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType }
        let client = try await services.clients.registerOpenly(
            .init(
                redirectURIs: body.redirectUris, name: body.clientName, grantTypes: body.grantTypes, responseTypes: body.responseTypes,
                scope: body.scope),
            address: RequestInfo.current.clientAddress)
        return .created(
            .init(
                headers: .init(cacheControl: .noStore),
                body: .json(
                    .init(
                        clientId: client.id, clientIdIssuedAt: Int64(client.createdAt.timeIntervalSince1970), clientName: client.name,
                        // Both, whatever was asked: a refresh token comes with every code (RFC 7591 §2 lets the server say so).
                        redirectUris: client.redirectURIs, grantTypes: ClientService.registrableGrants,
                        responseTypes: ["code"], tokenEndpointAuthMethod: ClientRegistration.none, scope: Scope.joined(client.scopes)))))
    }
}

private typealias ClientRegistration = Components.Schemas.ClientRegistration.TokenEndpointAuthMethodPayload
