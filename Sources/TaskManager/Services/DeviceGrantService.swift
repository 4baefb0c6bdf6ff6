import Foundation

/// The device authorization grant (RFC 8628) at the API's end: a device asks for a code pair at
/// `/device_authorization`, then polls `/token` until the person has answered on `/device`
/// (`SignInService`'s pages) or the code expires. The tokens go to the one poll that takes the
/// approval; the session is the client's.
struct DeviceGrantService: Sendable {
    let devices: DeviceGrantRepository
    let clients: ClientAuthenticator
    let users: UserRepository
    let grants: SessionGrantService
    /// The public URL: `<issuer>/device` is where the person goes.
    let issuer: String
    let clock: AppClock

    struct Authorization: Sendable, Equatable {
        var deviceCode: String
        var userCode: String
        var verificationURI: String
        var verificationURIComplete: String
        var expiresIn: Int
        var interval: Int
    }

    /// `POST /device_authorization`: a client that may use the grant, and scopes it may ask for
    /// (none: all it may have).
    func authorize(credentials: ClientCredentials, scope: String?) async throws -> Authorization {
        let client = try await clients.authenticate(credentials)
        guard client.usesDeviceGrant else {
            throw APIError.oauth(.unauthorizedClient, "This client may not use the device grant")
        }
        guard let requested = Scope.parseList(scope ?? "") else { throw APIError.oauth(.invalidScope, "Unknown scope requested") }
        guard requested.allSatisfy(client.mayAsk) else {
            throw APIError.oauth(.invalidScope, "The client may not ask for this scope")
        }
        let now = clock.now()
        // 20^8 codes: a clash with a live one is rare; then another is drawn.
        for _ in 0..<8 {
            let deviceCode = OpaqueToken.generate()
            let grant = DeviceGrant(
                clientID: client.id, scopes: requested.isEmpty ? client.scopes : requested, userCode: UserCode.generate(),
                interval: DeviceGrant.interval, expiresAt: now.addingTimeInterval(Double(DeviceGrant.lifetime)), status: .pending)
            if try await devices.create(deviceCodeHash: OpaqueToken.hash(deviceCode), grant, now: now) {
                let shown = UserCode.display(grant.userCode)
                return Authorization(
                    deviceCode: deviceCode, userCode: shown, verificationURI: issuer + "/device",
                    verificationURIComplete: issuer + "/device?user_code=" + shown, expiresIn: DeviceGrant.lifetime,
                    interval: DeviceGrant.interval)
            }
        }
        throw APIError.serviceUnavailable
    }

    /// `POST /token` with the device-code grant.
    func token(deviceCode: String?, resource: String? = nil, credentials: ClientCredentials, userAgent: String?) async throws
        -> SessionGrantService.Grant
    {
        guard let deviceCode, !deviceCode.isEmpty else { throw APIError.oauth(.invalidRequest, "Form field device_code is required") }
        let target = try grants.resource(named: resource) ?? .api
        let client = try await clients.authenticate(credentials)
        let now = clock.now()
        switch try await devices.poll(deviceCodeHash: OpaqueToken.hash(deviceCode), clientID: client.id, now: now) {
        case .unknown:
            throw APIError.oauth(.invalidGrant, "Unknown or used device code, or not this client's")
        case .pending:
            throw APIError.oauth(.authorizationPending, "The person has not answered yet")
        case .slowDown:
            throw APIError.oauth(.slowDown, "Polled too soon: wait 5 seconds longer between polls from now on")
        case .denied:
            throw APIError.oauth(.accessDenied, "The person denied the request")
        case .expired:
            throw APIError.oauth(.expiredToken, "The device code has expired: start again")
        case .approved(let userID, let scopes, let amr, let authTime):
            guard let user = try await users.find(id: userID), user.isActive else {
                throw APIError.oauth(.invalidGrant, "Inactive user")
            }
            return try await grants.openSession(
                user: user, scopes: scopes.filter(Scope.allowed(isAdmin: user.isAdmin).contains), amr: amr, authTime: authTime,
                clientID: client.id, resource: target, userAgent: userAgent, now: now)
        }
    }
}
