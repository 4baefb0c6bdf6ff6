import Foundation

/// The sign-in page's flow (RFC 6749 §4.1 with PKCE S256, RFC 9207 `iss`): what `/authorize`
/// answers, the password step, the second-factor step, and the code sent back to the client.
/// The code's exchange at `/token` is `SessionGrantService`'s.
struct SignInService: Sendable {
    let clients: ClientAuthenticator
    let authorizations: AuthorizationRepository
    /// Requests of devices (RFC 8628) that a person answers on `/device`, with the same steps.
    let devices: DeviceGrantRepository
    let users: UserRepository
    let login: LoginService
    /// The public URL: `iss` of every answer.
    let issuer: String
    let clock: AppClock

    static let pageLifetime: TimeInterval = 600
    /// A second step waits as long as an `mfa_token` does, and dies after as many wrong codes.
    static let codeStepLifetime = LoginService.mfaTokenLifetime
    static let codeLifetime: TimeInterval = 60
    static let formGone = "This sign-in form was used already, has expired, or was not made by this server for this browser. Go back to the app and start again."

    /// A sign-in page to render: the client, what it asks, and the page's anti-forgery value.
    struct Page: Sendable {
        var client: OAuthClient
        var request: AuthorizationRequest
        var formID: String
        var error: String?
        var username: String?
        /// The second step: the password was right; the page asks for the code only.
        var asksForCode = false
    }

    enum Answer: Sendable {
        /// 200: the sign-in page (again, with `error`, after a wrong password).
        case page(Page)
        /// 400: a page that says why; nothing is sent to the client (its redirect URI is unknown or unsafe).
        case refused(String)
        /// 303 to the client's redirect URI, with a code or an error.
        case redirect(String)
        /// 429: the name or the address is locked; the page again.
        case throttled(retryAfter: Int, Page)
        /// `/device`: the code entry again, saying why (429 with `retryAfter` for a locked address).
        case deviceCodeRefused(String, retryAfter: Int?)
        /// `/device`: the person answered; the device learns it at its next poll.
        case deviceAnswered(title: String, message: String)
    }

    /// Which step a page is for: the password (with the name typed so far), or the code of a user
    /// whose password was right (the page's stored row knows them; it carries no password).
    private enum Step {
        case password(username: String?)
        case code(User, failures: Int)
    }

    // MARK: GET /authorize

    func begin(query: [(String, String)], browser: String) async throws -> Answer {
        let fields = ParameterList(query)
        guard let clientID = fields.single("client_id") else { return .refused(fields.problem("client_id")) }
        guard let client = try await clients.find(id: clientID) else {
            return .refused("Unknown client: no application is registered as this client_id.")
        }
        switch AuthorizationRequestCheck.check(fields, client: client) {
        case .refused(let reason):
            return .refused(reason)
        case .rejected(let redirectURI, let state, let error, let description):
            return redirect(to: redirectURI, state: state, [("error", error), ("error_description", description)])
        case .accepted(let request):
            return .page(try await page(client, request, browser: browser, step: .password(username: nil)))
        }
    }

    // MARK: /device

    /// The code a person typed on `/device`: a live request's sign-in page, for its client and scopes.
    /// A wrong code counts as a failure for the address; a locked address gets no look-up at all.
    func beginDevice(userCode typed: String, browser: String, address: String) async throws -> Answer {
        let found: (deviceCodeHash: String, grant: DeviceGrant)?
        do {
            found = try await login.checkDeviceCode(address: address) {
                guard let code = UserCode.normalized(typed) else { return nil }
                return try await devices.pending(userCode: code, now: clock.now())
            }
        } catch APIError.throttled(let seconds) {
            return .deviceCodeRefused(Self.locked(seconds), retryAfter: seconds)
        }
        guard let found, let client = try await clients.find(id: found.grant.clientID) else {
            return .deviceCodeRefused("That code is not right, or it has expired. Check it on your device.", retryAfter: nil)
        }
        let request = AuthorizationRequest(
            clientID: client.id, redirectURI: "", redirectGiven: false, scopes: found.grant.scopes, state: nil, codeChallenge: "",
            deviceCodeHash: found.deviceCodeHash)
        return .page(try await page(client, request, browser: browser, step: .password(username: nil)))
    }

    // MARK: POST /authorize

    /// The page's form: its anti-forgery value must name a page rendered for this browser and not
    /// used yet (every POST uses it up; a wrong password gets a new page).
    func submit(form: [(String, String)], browser: String?, address: String) async throws -> Answer {
        let fields = ParameterList(form)
        guard let formID = fields.single("request"), let browser,
            let taken = try await authorizations.takePage(idHash: OpaqueToken.hash(formID)),
            constantTimeEqual(taken.browserHash, OpaqueToken.hash(browser)), taken.expiresAt > clock.now()
        else { return .refused(Self.formGone) }
        let request = taken.request
        guard let client = try await clients.find(id: request.clientID) else { return .refused("Unknown client: it was deleted.") }
        switch fields.single("action") {
        case "deny":
            if let device = request.deviceCodeHash { return try await answerDevice(device, client, request, user: nil, amr: []) }
            return redirect(request, [("error", "access_denied"), ("error_description", "The user denied the request")])
        case "allow":
            break
        default:
            return .refused("The form was not sent by its Allow or Deny button.")
        }
        if let userID = taken.pendingUserID {
            guard let user = try await users.find(id: userID), user.isActive, user.mfaEnabled else { return .refused(Self.formGone) }
            return try await codeStep(
                client, request, user: user, failures: taken.failures, code: fields.single("code"), browser: browser, address: address)
        }
        let username = fields.single("username") ?? ""
        let retry = Step.password(username: username)
        guard !username.isEmpty, let password = fields.single("password"), !password.isEmpty else {
            return .page(try await page(client, request, browser: browser, step: retry, error: "Enter your username and password."))
        }
        let user: User
        do {
            user = try await login.authenticate(username: username, password: password, address: address)
        } catch APIError.throttled(let seconds) {
            return .throttled(retryAfter: seconds, try await page(client, request, browser: browser, step: retry, error: Self.locked(seconds)))
        } catch APIError.oauth(_, let message) {
            return .page(try await page(client, request, browser: browser, step: retry, error: message))
        }
        guard user.mfaEnabled else { return try await issueCode(client, request, user: user, amr: [.password]) }
        return .page(try await page(client, request, browser: browser, step: .code(user, failures: 0)))
    }

    /// The second step's form: a TOTP or recovery code for the user whose password was right.
    private func codeStep(
        _ client: OAuthClient, _ request: AuthorizationRequest, user: User, failures: Int, code: String?, browser: String, address: String
    ) async throws -> Answer {
        let retry = Step.code(user, failures: failures)
        guard let code else {
            return .page(
                try await page(client, request, browser: browser, step: retry, error: "Enter the code from your authenticator app, or a recovery code."))
        }
        let right: Bool
        do {
            right = try await login.checkSecondFactor(user: user, SecondFactorCode(entered: code), address: address)
        } catch APIError.throttled(let seconds) {
            return .throttled(retryAfter: seconds, try await page(client, request, browser: browser, step: retry, error: Self.locked(seconds)))
        }
        guard right else {
            guard failures + 1 < LoginService.mfaMaximumFailures else {
                return .refused("Too many wrong codes. Go back to the app and sign in again.")
            }
            return .page(
                try await page(
                    client, request, browser: browser, step: .code(user, failures: failures + 1), error: "That code is not right, or was used already."))
        }
        return try await issueCode(client, request, user: user, amr: [.password, .oneTimePassword])
    }

    /// The user is signed in: a code for the scopes they may have, sent back to the client (or, for
    /// a device, the device's request approved).
    private func issueCode(_ client: OAuthClient, _ request: AuthorizationRequest, user: User, amr: [AuthMethod]) async throws -> Answer {
        if let device = request.deviceCodeHash { return try await answerDevice(device, client, request, user: user, amr: amr) }
        let granted = request.scopes.filter(Scope.allowed(isAdmin: user.isAdmin).contains)
        guard !granted.isEmpty else {
            return redirect(request, [("error", "invalid_scope"), ("error_description", "None of the requested scopes is available to this user")])
        }
        var approved = request
        approved.scopes = granted
        let code = OpaqueToken.generate()
        try await authorizations.saveCode(
            hash: OpaqueToken.hash(code),
            AuthorizationCode(request: approved, userID: user.id, expiresAt: clock.now().addingTimeInterval(Self.codeLifetime), amr: amr))
        return redirect(request, [("code", code)])
    }

    /// The person's answer to a device's request (`user` nil: Deny). Taken once: a denied request
    /// stays denied whatever is sent afterwards (Back, a replayed form), since the stored page is
    /// used up and the grant changes only while pending.
    private func answerDevice(_ hash: String, _ client: OAuthClient, _ request: AuthorizationRequest, user: User?, amr: [AuthMethod])
        async throws -> Answer
    {
        let now = clock.now()
        if let user, request.scopes.filter(Scope.allowed(isAdmin: user.isAdmin).contains).isEmpty {
            _ = try await devices.answer(deviceCodeHash: hash, approvedBy: nil, amr: [], now: now)
            return .refused("None of what \(client.name) asks for is available to your account.")
        }
        guard try await devices.answer(deviceCodeHash: hash, approvedBy: user, amr: amr, now: now) else {
            return .refused("This request has expired or was answered already. Start again on your device.")
        }
        guard let user else {
            return .deviceAnswered(title: "Request denied", message: "\(client.name) was not signed in. You can close this page.")
        }
        return .deviceAnswered(
            title: "Device signed in",
            message: "\(client.name) is signed in as \(user.username). You can close this page and go back to your device.")
    }

    /// A new page for `step`, stored under a fresh anti-forgery value bound to this browser.
    private func page(
        _ client: OAuthClient, _ request: AuthorizationRequest, browser: String, step: Step, error: String? = nil
    ) async throws -> Page {
        let formID = OpaqueToken.generate()
        let now = clock.now()
        var stored = AuthorizationRepository.StoredPage(
            request: request, browserHash: OpaqueToken.hash(browser), expiresAt: now.addingTimeInterval(Self.pageLifetime),
            pendingUserID: nil, failures: 0)
        var page = Page(client: client, request: request, formID: formID, error: error)
        switch step {
        case .password(let username):
            page.username = username
        case .code(let user, let failures):
            stored.pendingUserID = user.id
            stored.failures = failures
            stored.expiresAt = now.addingTimeInterval(Self.codeStepLifetime)
            page.username = user.username
            page.asksForCode = true
        }
        try await authorizations.savePage(idHash: OpaqueToken.hash(formID), stored, now: now)
        return page
    }

    private static func locked(_ seconds: Int) -> String { "Too many failed sign-ins; try again in \(seconds) seconds." }

    /// The answer for the client that made `request`, with its `state`.
    private func redirect(_ request: AuthorizationRequest, _ pairs: [(String, String?)]) -> Answer {
        redirect(to: request.redirectURI, state: request.state, pairs)
    }

    private func redirect(to uri: String, state: String?, _ pairs: [(String, String?)]) -> Answer {
        .redirect(Self.redirectURI(uri, pairs + [("state", state)], issuer: issuer))
    }

    /// `uri` with the pairs (those with a value) and `iss` added to its query, form-encoded.
    static func redirectURI(_ uri: String, _ pairs: [(String, String?)], issuer: String) -> String {
        let query = (pairs + [("iss", issuer)]).compactMap { name, value in value.map { "\(name)=\(FormFields.encode($0))" } }
        return uri + (uri.contains("?") ? "&" : "?") + query.joined(separator: "&")
    }
}
