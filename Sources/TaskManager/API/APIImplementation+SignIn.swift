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
                        jwksUri: issuer + "/.well-known/jwks.json",
                        scopesSupported: Scope.allCases.map(\.rawValue),
                        responseTypesSupported: ["code"], grantTypesSupported: [
                            "authorization_code", "refresh_token", "password", TokenEndpoint.mfaOTPGrant,
                            TokenEndpoint.mfaRecoveryCodeGrant, DeviceGrant.grantType,
                        ],
                        codeChallengeMethodsSupported: ["S256"],
                        tokenEndpointAuthMethodsSupported: ["none", "client_secret_basic", "client_secret_post"],
                        revocationEndpointAuthMethodsSupported: ["none"],
                        authorizationResponseIssParameterSupported: true))))
    }

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
}
