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
}
