import Foundation
import TaskManagerAPI

extension APIImplementation {
    func createToken(_ input: Operations.CreateToken.Input) async throws -> Operations.CreateToken.Output {
        guard case .urlEncodedForm(let form) = input.body else {
            throw APIError.oauth(.invalidRequest, TokenEndpoint.formExpected)
        }
        let request = RequestInfo.current
        let grant: SessionGrantService.Grant
        switch form.grantType ?? "password" {
        case "password", "":
            grant = try await services.login.passwordGrant(
                username: form.username, password: form.password, scope: form.scope, clientID: form.clientId, resource: form.resource,
                userAgent: request.userAgent, address: request.clientAddress)
        case TokenEndpoint.mfaOTPGrant, TokenEndpoint.mfaRecoveryCodeGrant:
            let code = form.grantType == TokenEndpoint.mfaOTPGrant
                ? form.otp.map(SecondFactorCode.totp) : form.recoveryCode.map(SecondFactorCode.recovery)
            grant = try await services.login.mfaGrant(
                mfaToken: form.mfaToken, code: code, scope: form.scope, clientID: form.clientId, resource: form.resource,
                userAgent: request.userAgent, address: request.clientAddress)
        case "refresh_token":
            grant = try await services.grants.refreshGrant(
                refreshToken: form.refreshToken, scope: form.scope, resource: form.resource, userAgent: request.userAgent,
                credentials: try ClientCredentials.resolve(formID: form.clientId, formSecret: form.clientSecret))
        case DeviceGrant.grantType:
            grant = try await services.devices.token(
                deviceCode: form.deviceCode, resource: form.resource, credentials: try ClientCredentials.resolve(formID: form.clientId, formSecret: form.clientSecret),
                userAgent: request.userAgent)
        case "authorization_code":
            grant = try await services.grants.authorizationCodeGrant(
                code: form.code, redirectURI: form.redirectUri, verifier: form.codeVerifier, resource: form.resource,
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
                        refreshToken: grant.refreshToken, scope: Scope.joined(grant.scopes), idToken: grant.idToken))))
    }

    /// RFC 8628 §3.1: a device's code and the person's.
    func authorizeDevice(_ input: Operations.AuthorizeDevice.Input) async throws -> Operations.AuthorizeDevice.Output {
        guard case .urlEncodedForm(let form) = input.body else {
            throw APIError.oauth(.invalidRequest, TokenEndpoint.formExpected)
        }
        let answer = try await services.devices.authorize(
            credentials: try ClientCredentials.resolve(formID: form.clientId, formSecret: form.clientSecret), scope: form.scope)
        return .ok(
            .init(
                headers: .init(cacheControl: .noStore, pragma: .noCache),
                body: .json(
                    .init(
                        deviceCode: answer.deviceCode, userCode: answer.userCode, verificationUri: answer.verificationURI,
                        verificationUriComplete: answer.verificationURIComplete, expiresIn: answer.expiresIn, interval: answer.interval))))
    }

    /// RFC 7662, for confidential clients.
    func introspectToken(_ input: Operations.IntrospectToken.Input) async throws -> Operations.IntrospectToken.Output {
        guard case .urlEncodedForm(let form) = input.body else {
            throw APIError.oauth(.invalidRequest, TokenEndpoint.formExpected)
        }
        // Credentials sent both ways, or a malformed Basic header, are a failed authentication here (RFC 7662 §2.1).
        let credentials: ClientCredentials
        do { credentials = try ClientCredentials.resolve(formID: form.clientId, formSecret: form.clientSecret) } catch {
            throw APIError.invalidClient(viaBasic: true)
        }
        let answer = try await services.introspection.introspect(token: form.token, hint: form.tokenTypeHint, credentials: credentials)
        let body = answer.map { live in
            Components.Schemas.Introspection(
                active: true, scope: live.scope, clientId: live.clientID, username: live.username,
                tokenType: live.kind == .access ? .bearer : .refreshToken, exp: live.expiresAt, iat: live.issuedAt, sub: live.subject,
                aud: live.audience, iss: live.issuer ?? services.server.issuer, jti: live.jti, sid: live.sessionID)
        } ?? Components.Schemas.Introspection(active: false)
        return .ok(.init(headers: .init(cacheControl: .noStore), body: .json(body)))
    }

    func revokeToken(_ input: Operations.RevokeToken.Input) async throws -> Operations.RevokeToken.Output {
        guard case .urlEncodedForm(let form) = input.body else {
            throw APIError.oauth(.invalidRequest, TokenEndpoint.formExpected)
        }
        try await services.grants.revoke(token: form.token)
        return .ok(.init(headers: .init(cacheControl: .noStore)))
    }
}
