import Foundation
import TaskManagerAPI

extension APIImplementation {
    func createUser(_ input: Operations.CreateUser.Input) async throws -> Operations.CreateUser.Output {
        if !openRegistration {
            // Registration closed: only an admin may create accounts.
            let principal = try Principal.required()
            guard principal.scopes.contains(.admin) else { throw APIError.insufficientScope(.admin) }
        }
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType }
        try rejectNulls(["username", "password"])
        let user = try await accounts.register(
            .init(username: body.username, password: body.password, email: body.email, fullName: body.fullName))
        return .created(.init(headers: .init(cacheControl: .noStore), body: .json(.init(user))))
    }

    func createToken(_ input: Operations.CreateToken.Input) async throws -> Operations.CreateToken.Output {
        guard case .urlEncodedForm(let form) = input.body else {
            throw APIError.oauth(.invalidRequest, TokenEndpoint.formExpected)
        }
        let request = RequestInfo.current
        let grant: LoginService.Grant
        switch form.grantType ?? "password" {
        case "password", "":
            grant = try await login.passwordGrant(
                username: form.username, password: form.password, scope: form.scope, clientID: form.clientId,
                userAgent: request.userAgent, address: request.clientAddress)
        case TokenEndpoint.mfaOTPGrant, TokenEndpoint.mfaRecoveryCodeGrant:
            let code = form.grantType == TokenEndpoint.mfaOTPGrant
                ? form.otp.map(SecondFactorCode.totp) : form.recoveryCode.map(SecondFactorCode.recovery)
            grant = try await login.mfaGrant(
                mfaToken: form.mfaToken, code: code, scope: form.scope, clientID: form.clientId,
                userAgent: request.userAgent, address: request.clientAddress)
        case "refresh_token":
            let credentials = try ClientCredentials.resolve(formID: form.clientId, formSecret: form.clientSecret)
            let clients = authorization.clients
            grant = try await login.refreshGrant(
                refreshToken: form.refreshToken, scope: form.scope, userAgent: request.userAgent,
                // No client named: not the session's client (invalid_grant); a wrong secret: invalid_client.
                client: { credentials.id == nil ? nil : try await clients.authenticate(credentials) })
        case "authorization_code":
            grant = try await authorization.exchange(
                code: form.code, redirectURI: form.redirectUri, verifier: form.codeVerifier,
                credentials: try ClientCredentials.resolve(formID: form.clientId, formSecret: form.clientSecret),
                userAgent: request.userAgent)
        case let other:
            throw APIError.oauth(.unsupportedGrantType, "Unsupported grant type: \(other.prefix(64))")
        }
        return .ok(
            .init(
                headers: .init(cacheControl: .noStore, pragma: .noCache),
                body: .json(
                    .init(
                        accessToken: grant.accessToken, tokenType: .bearer, expiresIn: grant.expiresIn,
                        refreshToken: grant.refreshToken, scope: Scope.joined(grant.scopes)))))
    }

    func revokeToken(_ input: Operations.RevokeToken.Input) async throws -> Operations.RevokeToken.Output {
        guard case .urlEncodedForm(let form) = input.body else {
            throw APIError.oauth(.invalidRequest, TokenEndpoint.formExpected)
        }
        try await login.revoke(token: form.token)
        return .ok(.init(headers: .init(cacheControl: .noStore)))
    }
}

/// A `null` for a field that cannot be null is a 422, not "absent" (see `ExplicitNulls`).
func rejectNulls(_ fields: [String]) throws {
    let nulls = fields.filter(ExplicitNulls.keys.contains)
    guard nulls.isEmpty else {
        throw APIError.validation(
            nulls.map { ValidationIssue(loc: ["body", .key($0)], msg: "Input should not be null", type: "null_forbidden") })
    }
}
