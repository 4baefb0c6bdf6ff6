import Foundation
import TaskManagerAPI

extension APIImplementation {
    func listClients(_ input: Operations.ListClients.Input) async throws -> Operations.ListClients.Output {
        let items = try await clients.list().map(Components.Schemas.Client.init)
        return .ok(.init(headers: .init(cacheControl: .noStore), body: .json(.init(items: items))))
    }

    func createClient(_ input: Operations.CreateClient.Input) async throws -> Operations.CreateClient.Output {
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType }
        try rejectNulls(["confidential", "scopes"])
        let registration = ClientService.Registration(
            name: body.clientName, redirectURIs: body.redirectUris, confidential: body.confidential ?? false,
            scopes: body.scopes?.map(Scope.init))
        let (client, secret) = try await clients.register(registration, now: clock.now())
        return .created(
            .init(
                headers: .init(cacheControl: .noStore),
                body: .json(
                    .init(
                        clientId: client.id, clientName: client.name, redirectUris: client.redirectURIs,
                        confidential: client.confidential, scopes: client.scopes.map(Components.Schemas.ScopeName.init),
                        createdAt: client.createdAt, clientSecret: secret))))
    }

    func deleteClient(_ input: Operations.DeleteClient.Input) async throws -> Operations.DeleteClient.Output {
        try await clients.delete(id: input.path.clientId, now: clock.now())
        return .noContent(.init())
    }
}

extension Components.Schemas.Client {
    init(_ client: OAuthClient) {
        self.init(
            clientId: client.id, clientName: client.name, redirectUris: client.redirectURIs, confidential: client.confidential,
            scopes: client.scopes.map(Components.Schemas.ScopeName.init), createdAt: client.createdAt)
    }
}

extension Components.Schemas.ScopeName {
    init(_ scope: Scope) {
        // The document's enumeration is the contract's scopes, spelled the same.
        self.init(rawValue: scope.rawValue)!
    }
}

extension Scope {
    init(_ name: Components.Schemas.ScopeName) {
        self.init(rawValue: name.rawValue)!
    }
}

extension APIImplementation {
    /// RFC 8414, from the public URL.
    func getServerMetadata(_ input: Operations.GetServerMetadata.Input) async throws -> Operations.GetServerMetadata.Output {
        let issuer = authorization.issuer
        return .ok(
            .init(
                body: .json(
                    .init(
                        issuer: issuer, authorizationEndpoint: issuer + "/authorize", tokenEndpoint: issuer + "/token",
                        revocationEndpoint: issuer + "/token/revoke", scopesSupported: Scope.allCases.map(\.rawValue),
                        responseTypesSupported: ["code"], grantTypesSupported: [
                            "authorization_code", "refresh_token", "password", TokenEndpoint.mfaOTPGrant,
                            TokenEndpoint.mfaRecoveryCodeGrant,
                        ],
                        codeChallengeMethodsSupported: ["S256"],
                        tokenEndpointAuthMethodsSupported: ["none", "client_secret_basic", "client_secret_post"],
                        revocationEndpointAuthMethodsSupported: ["none"],
                        authorizationResponseIssParameterSupported: true))))
    }
}
