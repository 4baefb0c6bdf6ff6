import Foundation

/// The authorization-code flow (RFC 6749 §4.1 with PKCE S256, RFC 9207 `iss`): what `/authorize`
/// answers, what its sign-in page's form leads to, and the code's exchange at `/token`.
struct AuthorizationService: Sendable {
    let clients: ClientAuthenticator
    let authorizations: AuthorizationRepository
    let login: LoginService
    /// The public URL: `iss` of every answer.
    let issuer: String
    let clock: AppClock

    static let pageLifetime: TimeInterval = 600
    /// A second step waits as long as an `mfa_token` does, and dies after as many wrong codes.
    static let codeStepLifetime = LoginService.mfaTokenLifetime
    static let codeLifetime: TimeInterval = 60
    static let maximumStateLength = 1_024
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
    }

    // MARK: GET /authorize

    /// Checks a request in the contract's order: the client and the redirect URI first (a problem
    /// there is never redirected), then the rest (sent back to the client).
    func begin(query: [(String, String)], browser: String) async throws -> Answer {
        let fields = Fields(query)
        guard let clientID = fields.single("client_id") else { return .refused(fields.problem("client_id")) }
        guard let client = try await clients.find(id: clientID) else { return .refused("Unknown client: no application is registered as this client_id.") }
        let redirectURI: String
        switch fields.values("redirect_uri").count {
        case 0:
            guard client.redirectURIs.count == 1 else {
                return .refused("redirect_uri is required: \(client.name) has several registered.")
            }
            redirectURI = client.redirectURIs[0]
        case 1:
            redirectURI = fields.values("redirect_uri")[0]
            guard client.allowsRedirect(to: redirectURI) else {
                return .refused("The redirect_uri is not one \(client.name) registered; nothing was sent to it.")
            }
        default:
            return .refused("redirect_uri is given twice.")
        }
        let state = fields.values("state").count == 1 ? fields.values("state")[0] : nil
        func back(_ error: String, _ description: String) -> Answer {
            .redirect(redirect(to: redirectURI, [("error", error), ("error_description", description), ("state", state)]))
        }
        for name in ["response_type", "scope", "state", "code_challenge", "code_challenge_method"] where fields.values(name).count > 1 {
            return back("invalid_request", "\(name) is given twice")
        }
        guard let responseType = fields.single("response_type") else { return back("invalid_request", "response_type is required") }
        guard responseType == "code" else { return back("unsupported_response_type", "Only response_type=code is supported") }
        guard fields.single("code_challenge_method") == "S256" else {
            return back("invalid_request", "PKCE is required: code_challenge_method must be S256")
        }
        guard let challenge = fields.single("code_challenge") else { return back("invalid_request", "PKCE is required: code_challenge is missing") }
        guard PKCE.isValidChallenge(challenge) else {
            return back("invalid_request", "code_challenge must be the base64url SHA-256 of the code_verifier (43 characters)")
        }
        if let state, state.utf8.count > Self.maximumStateLength || FieldRules.hasNUL(state) {
            return back("invalid_request", "state must be at most \(Self.maximumStateLength) bytes, without NUL")
        }
        var scopes = client.scopes
        if let text = fields.single("scope"), !text.isEmpty {
            guard let asked = Scope.parseList(text) else { return back("invalid_scope", "Unknown scope requested") }
            guard asked.allSatisfy(client.scopes.contains) else {
                return back("invalid_scope", "The client may not ask for this scope")
            }
            scopes = asked
        }
        let request = AuthorizationRequest(
            clientID: client.id, redirectURI: redirectURI, redirectGiven: fields.values("redirect_uri").count == 1, scopes: scopes,
            state: state, codeChallenge: challenge)
        return .page(try await newPage(client: client, request: request, browser: browser))
    }

    // MARK: POST /authorize

    /// The page's form: its anti-forgery value must name a page rendered for this browser and not
    /// used yet (every POST uses it up; a wrong password gets a new page).
    func submit(form: [(String, String)], browser: String?, address: String) async throws -> Answer {
        let fields = Fields(form)
        guard let formID = fields.single("request"), let browser,
            let taken = try await authorizations.takePage(idHash: OpaqueToken.hash(formID)),
            constantTimeEqual(taken.browserHash, OpaqueToken.hash(browser)), taken.expiresAt > clock.now()
        else { return .refused(Self.formGone) }
        let request = taken.request
        guard let client = try await clients.find(id: request.clientID) else { return .refused("Unknown client: it was deleted.") }
        func back(_ pairs: [(String, String?)]) -> Answer {
            .redirect(redirect(to: request.redirectURI, pairs + [("state", request.state)]))
        }
        switch fields.single("action") {
        case "deny":
            return back([("error", "access_denied"), ("error_description", "The user denied the request")])
        case "allow":
            break
        default:
            return .refused("The form was not sent by its Allow or Deny button.")
        }
        if let userID = taken.pendingUserID {
            return try await secondStep(taken, userID: userID, code: fields.single("code"), client: client, browser: browser, address: address)
        }
        let username = fields.single("username") ?? ""
        func again(_ error: String) async throws -> Page {
            var page = try await newPage(client: client, request: request, browser: browser)
            page.error = error
            page.username = username
            return page
        }
        guard !username.isEmpty, let password = fields.single("password"), !password.isEmpty else {
            return .page(try await again("Enter your username and password."))
        }
        let user: User
        do {
            user = try await login.authenticate(username: username, password: password, address: address)
        } catch APIError.throttled(let seconds) {
            return .throttled(retryAfter: seconds, try await again("Too many failed sign-ins; try again in \(seconds) seconds."))
        } catch APIError.oauth(_, let message) {
            return .page(try await again(message))
        }
        guard user.mfaEnabled else { return try await issueCode(request, user: user, amr: [.password]) }
        // The next page carries no password: its form names a stored page that knows the user.
        var page = try await newPage(client: client, request: request, browser: browser, pendingUserID: user.id)
        page.asksForCode = true
        page.username = user.username
        return .page(page)
    }

    /// The second step's form: a TOTP or recovery code for the user whose password was right.
    private func secondStep(
        _ taken: AuthorizationRepository.StoredPage, userID: String, code: String?, client: OAuthClient, browser: String, address: String
    ) async throws -> Answer {
        guard let user = try await login.users.find(id: userID), user.isActive, user.mfaEnabled else { return .refused(Self.formGone) }
        func again(_ error: String, failures: Int) async throws -> Page {
            var page = try await newPage(
                client: client, request: taken.request, browser: browser, pendingUserID: userID, failures: failures)
            page.asksForCode = true
            page.username = user.username
            page.error = error
            return page
        }
        guard let code else {
            return .page(try await again("Enter the code from your authenticator app, or a recovery code.", failures: taken.failures))
        }
        let right: Bool
        do {
            right = try await login.checkSecondFactor(user: user, SecondFactorCode(entered: code), address: address)
        } catch APIError.throttled(let seconds) {
            return .throttled(
                retryAfter: seconds,
                try await again("Too many failed sign-ins; try again in \(seconds) seconds.", failures: taken.failures))
        }
        guard right else {
            let failures = taken.failures + 1
            guard failures < LoginService.mfaMaximumFailures else {
                return .refused("Too many wrong codes. Go back to the app and sign in again.")
            }
            return .page(try await again("That code is not right, or was used already.", failures: failures))
        }
        return try await issueCode(taken.request, user: user, amr: [.password, .oneTimePassword])
    }

    /// The user is signed in: a code for the scopes they may have, sent back to the client.
    private func issueCode(_ request: AuthorizationRequest, user: User, amr: [AuthMethod]) async throws -> Answer {
        func back(_ pairs: [(String, String?)]) -> Answer {
            .redirect(redirect(to: request.redirectURI, pairs + [("state", request.state)]))
        }
        let granted = request.scopes.filter(Scope.allowed(isAdmin: user.isAdmin).contains)
        guard !granted.isEmpty else {
            return back([("error", "invalid_scope"), ("error_description", "None of the requested scopes is available to this user")])
        }
        var approved = request
        approved.scopes = granted
        let code = OpaqueToken.generate()
        try await authorizations.saveCode(
            hash: OpaqueToken.hash(code),
            AuthorizationCode(
                request: approved, userID: user.id, expiresAt: clock.now().addingTimeInterval(Self.codeLifetime), amr: amr))
        return back([("code", code)])
    }

    private func newPage(
        client: OAuthClient, request: AuthorizationRequest, browser: String, pendingUserID: String? = nil, failures: Int = 0
    ) async throws -> Page {
        let formID = OpaqueToken.generate()
        let now = clock.now()
        let lifetime = pendingUserID == nil ? Self.pageLifetime : Self.codeStepLifetime
        try await authorizations.savePage(
            idHash: OpaqueToken.hash(formID),
            .init(
                request: request, browserHash: OpaqueToken.hash(browser), expiresAt: now.addingTimeInterval(lifetime),
                pendingUserID: pendingUserID, failures: failures),
            now: now)
        return Page(client: client, request: request, formID: formID)
    }

    /// `uri` with the pairs (and `iss`) added to its query, form-encoded.
    func redirect(to uri: String, _ pairs: [(String, String?)]) -> String {
        let query = (pairs + [("iss", issuer)]).compactMap { name, value in value.map { "\(name)=\(FormFields.encode($0))" } }
        return uri + (uri.contains("?") ? "&" : "?") + query.joined(separator: "&")
    }

    // MARK: POST /token, grant_type=authorization_code

    func exchange(code: String?, redirectURI: String?, verifier: String?, credentials: ClientCredentials, userAgent: String?)
        async throws -> LoginService.Grant
    {
        guard let code, !code.isEmpty else { throw APIError.oauth(.invalidRequest, "Form field code is required") }
        let client = try await clients.authenticate(credentials)
        let now = clock.now()
        let refresh = OpaqueToken.generate()
        let redemption = try await authorizations.redeem(
            hash: OpaqueToken.hash(code), now: now,
            accepts: { issued in
                let redirectMatches =
                    issued.request.redirectGiven ? redirectURI == issued.request.redirectURI : (redirectURI ?? issued.request.redirectURI) == issued.request.redirectURI
                return issued.request.clientID == client.id && redirectMatches
                    && PKCE.verify(verifier ?? "", against: issued.request.codeChallenge)
            },
            makeSession: { issued, user in
                let scopes = issued.request.scopes.filter(Scope.allowed(isAdmin: user.isAdmin).contains)
                var session = login.newSession(userID: user.id, scopes: scopes, clientID: client.id, userAgent: userAgent, now: now)
                session.amr = issued.amr
                return (session, OpaqueToken.hash(refresh))
            })
        switch redemption {
        case .redeemed(let session, let user):
            return try await login.grant(
                userID: user.id, sessionID: session.id, scopes: session.scopes, amr: session.amr, refreshToken: refresh, now: now)
        case .refused:
            throw APIError.oauth(.invalidGrant, "Invalid authorization code, or not issued to this client, redirect URI and code_verifier")
        case .reused:
            throw APIError.oauth(.invalidGrant, "The authorization code was used already; the session it opened is ended")
        }
    }
}

/// Query and form fields by name, keeping repeats (a parameter given twice is an error here).
private struct Fields {
    let pairs: [(String, String)]
    init(_ pairs: [(String, String)]) { self.pairs = pairs }

    func values(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }

    /// The one non-empty value, or `nil` when absent, empty or repeated.
    func single(_ name: String) -> String? {
        let found = values(name)
        return found.count == 1 && !found[0].isEmpty ? found[0] : nil
    }

    func problem(_ name: String) -> String {
        values(name).count > 1 ? "\(name) is given twice." : "\(name) is missing: the link that brought you here is incomplete."
    }
}
