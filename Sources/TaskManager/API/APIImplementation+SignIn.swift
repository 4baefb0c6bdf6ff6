import Foundation
import TaskManagerAPI

extension APIImplementation {
    /// RFC 8414, from the public URL.
    func getServerMetadata(_ input: Operations.GetServerMetadata.Input) async throws -> Operations.GetServerMetadata.Output {
        let issuer = services.server.issuer
        return .ok(
            .init(
                body: .json(
                    .init(
                        issuer: issuer, authorizationEndpoint: issuer + "/authorize", tokenEndpoint: issuer + "/token",
                        revocationEndpoint: issuer + "/token/revoke", deviceAuthorizationEndpoint: issuer + "/device_authorization",
                        jwksUri: issuer + "/.well-known/jwks.json", userinfoEndpoint: issuer + "/userinfo",
                        endSessionEndpoint: issuer + "/logout", introspectionEndpoint: issuer + "/token/introspect",
                        registrationEndpoint: registrationEndpoint,
                        introspectionEndpointAuthMethodsSupported: Self.introspectionAuthMethods,
                        scopesSupported: Scope.allCases.map(\.rawValue),
                        responseTypesSupported: ["code"], grantTypesSupported: Self.grantTypes,
                        codeChallengeMethodsSupported: ["S256"],
                        tokenEndpointAuthMethodsSupported: Self.tokenEndpointAuthMethods,
                        revocationEndpointAuthMethodsSupported: ["none"],
                        authorizationResponseIssParameterSupported: true))))
    }

    /// OpenID Connect Discovery 1.0: the RFC 8414 metadata and what OpenID Connect adds.
    func getOpenIDConfiguration(_ input: Operations.GetOpenIDConfiguration.Input) async throws
        -> Operations.GetOpenIDConfiguration.Output
    {
        let issuer = services.server.issuer
        // RS256 is every OpenID provider's; the key in use may sign with another.
        let algorithms = ["RS256"] + (services.server.identityAlgorithm.map { $0 == .rs256 ? [] : [$0.rawValue] } ?? [])
        return .ok(
            .init(
                body: .json(
                    .init(
                        issuer: issuer, authorizationEndpoint: issuer + "/authorize", tokenEndpoint: issuer + "/token",
                        userinfoEndpoint: issuer + "/userinfo", jwksUri: issuer + "/.well-known/jwks.json",
                        revocationEndpoint: issuer + "/token/revoke", deviceAuthorizationEndpoint: issuer + "/device_authorization",
                        endSessionEndpoint: issuer + "/logout", promptValuesSupported: AuthorizationPrompt.allCases.map(\.rawValue),
                        introspectionEndpoint: issuer + "/token/introspect", registrationEndpoint: registrationEndpoint,
                        introspectionEndpointAuthMethodsSupported: Self.introspectionAuthMethods,
                        scopesSupported: Scope.allCases.map(\.rawValue), responseTypesSupported: ["code"], responseModesSupported: ["query"],
                        grantTypesSupported: Self.grantTypes, subjectTypesSupported: ["public"],
                        idTokenSigningAlgValuesSupported: algorithms,
                        tokenEndpointAuthMethodsSupported: Self.tokenEndpointAuthMethods, codeChallengeMethodsSupported: ["S256"],
                        claimsSupported: [
                            "iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "amr", "sid", "at_hash", "preferred_username", "name",
                            "updated_at", "email", "email_verified",
                        ],
                        authorizationResponseIssParameterSupported: true))))
    }

    static let grantTypes = [
        "authorization_code", "refresh_token", "password", TokenEndpoint.mfaOTPGrant, TokenEndpoint.mfaRecoveryCodeGrant, DeviceGrant.grantType,
    ]
    static let tokenEndpointAuthMethods = ["none", "client_secret_basic", "client_secret_post"]
    static let introspectionAuthMethods = ["client_secret_basic", "client_secret_post"]

    /// RFC 7517: the public keys that verify live tokens.
    func getJSONWebKeySet(_ input: Operations.GetJSONWebKeySet.Input) async throws -> Operations.GetJSONWebKeySet.Output {
        let keys = await services.server.publishedKeys().compactMap { key -> Components.Schemas.JSONWebKey? in
            guard let type = Components.Schemas.JSONWebKey.KtyPayload(rawValue: key.kty),
                let algorithm = Components.Schemas.JSONWebKey.AlgPayload(rawValue: key.alg)
            else { return nil }
            return .init(
                kty: type, kid: key.kid, alg: algorithm, use: .sig, n: key.n, e: key.e, crv: key.crv.flatMap { .init(rawValue: $0) },
                x: key.x, y: key.y)
        }
        return .ok(.init(headers: .init(cacheControl: "public, max-age=60"), body: .json(.init(keys: keys))))
    }

    /// RFC 7591's endpoint while anyone may register.
    private var registrationEndpoint: String? {
        services.clients.openRegistration ? services.server.issuer + "/register" : nil
    }

    /// RFC 9728: the API's protected-resource metadata.
    func getResourceMetadata(_ input: Operations.GetResourceMetadata.Input) async throws -> Operations.GetResourceMetadata.Output {
        .ok(.init(body: .json(resourceMetadata(.api))))
    }

    /// RFC 9728: the MCP endpoint's.
    func getMCPResourceMetadata(_ input: Operations.GetMCPResourceMetadata.Input) async throws
        -> Operations.GetMCPResourceMetadata.Output
    {
        .ok(.init(body: .json(resourceMetadata(.mcp))))
    }

    private func resourceMetadata(_ resource: ProtectedResource) -> Components.Schemas.ResourceMetadata {
        let issuer = services.server.issuer
        return .init(
            resource: resource.identifier(publicURL: issuer), authorizationServers: [issuer],
            scopesSupported: OAuthClient.defaultScopes.map(\.rawValue), bearerMethodsSupported: [.header],
            resourceName: resource == .mcp ? "TaskManager (MCP)" : "TaskManager API")
    }
}
