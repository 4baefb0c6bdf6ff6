import Foundation

/// `/device` (RFC 8628 §3.3): a person types the code their device shows, signs in with the sign-in
/// page's own steps (`SignInSteps`), and allows or denies the device; the answer goes to the
/// device grant, which the device learns at its next poll (`DeviceGrantService`). A live browser
/// session spares the password, never the Allow: a device's consent is not remembered, since the
/// code on the page may have been sent by someone else (device-code phishing).
struct DeviceApprovalService: Sendable {
    let steps: SignInSteps
    let clients: ClientAuthenticator
    let browserSessions: BrowserSessionService
    let devices: DeviceGrantRepository
    let login: LoginService
    let clock: AppClock

    enum Answer: Sendable {
        /// A sign-in step's answer, as on `/authorize`.
        case signIn(SignInSteps.Answer)
        /// The code entry again, saying why (429 with `retryAfter` for a locked address).
        case codeRefused(String, retryAfter: Int?)
        /// The person answered; the device learns it at its next poll.
        case answered(title: String, message: String)
    }

    /// The code a person typed: a live request's sign-in page, for its client and scopes. A wrong
    /// code counts as a failure for the address; a locked address gets no look-up at all.
    func begin(userCode typed: String, browser: String, sessionCookie: String?, address: String) async throws -> Answer {
        let found: (deviceCodeHash: String, grant: DeviceGrant)?
        do {
            found = try await login.checkDeviceCode(address: address) {
                guard let code = UserCode.normalized(typed) else { return nil }
                return try await devices.pending(userCode: code, now: clock.now())
            }
        } catch APIError.throttled(let seconds) {
            return .codeRefused(SignInSteps.locked(seconds), retryAfter: seconds)
        }
        guard let found, let client = try await clients.find(id: found.grant.clientID) else {
            return .codeRefused("That code is not right, or it has expired. Check it on your device.", retryAfter: nil)
        }
        let request = DeviceApprovalRequest(clientID: client.id, scopes: found.grant.scopes, deviceCodeHash: found.deviceCodeHash)
        let session = try await browserSessions.current(cookie: sessionCookie)
        return .signIn(.page(try await steps.firstPage(client, .device(request), browser: browser, session: session)))
    }

    /// A sign-in page of a device's request, sent back, and what it does to the browser session
    /// cookie; an app's page is `SignInService`'s.
    func submit(form: [(String, String)], visit: SignInSteps.Visit) async throws -> (Answer, SignInSteps.SessionCookieChange?) {
        switch try await steps.submit(form: form, visit: visit) {
        case .unfinished(let answer, let cookie):
            return (.signIn(answer), cookie)
        case .denied(let client, .device(let request)):
            return (try await answer(request, client, signedIn: nil), nil)
        case .signedIn(let client, .device(let request), let signedIn):
            return (try await answer(request, client, signedIn: signedIn), signedIn.newCookie.map { .set($0) })
        case .denied(_, .authorization), .signedIn(_, .authorization, _):
            return (.signIn(.refused(SignInSteps.formGone)), nil)
        }
    }

    /// The person's answer to a device's request (`user` nil: Deny). Taken once: a denied request
    /// stays denied whatever is sent afterwards (Back, a replayed form), since the stored page is
    /// used up and the grant changes only while pending.
    private func answer(_ request: DeviceApprovalRequest, _ client: OAuthClient, signedIn: SignInSteps.SignedIn?) async throws -> Answer {
        let now = clock.now()
        let user = signedIn?.user
        let hash = request.deviceCodeHash
        if let user, request.scopes.filter(Scope.allowed(isAdmin: user.isAdmin).contains).isEmpty {
            _ = try await devices.answer(deviceCodeHash: hash, approvedBy: nil, amr: [], now: now)
            return .signIn(.refused("None of what \(client.name) asks for is available to your account."))
        }
        guard
            try await devices.answer(
                deviceCodeHash: hash, approvedBy: user, amr: signedIn?.amr ?? [], authTime: signedIn?.authTime, now: now)
        else {
            return .signIn(.refused("This request has expired or was answered already. Start again on your device."))
        }
        guard let user else {
            return .answered(title: "Request denied", message: "\(client.name) was not signed in. You can close this page.")
        }
        return .answered(
            title: "Device signed in",
            message: "\(client.name) is signed in as \(user.username). You can close this page and go back to your device.")
    }
}
