import Foundation

/// The steps a person takes on a sign-in page, whatever the page is for (`SignInPurpose`): the
/// page stored under a single-use anti-forgery value bound to the browser, the password, the
/// second factor, Allow or Deny — or, with a live browser session, "signed in as" with Allow, Deny
/// and "not you?". Signing in with the password opens a browser session (`BrowserSessionService`).
/// `SignInService` (an app's `/authorize`) and `DeviceApprovalService` (`/device`) each begin their
/// pages and finish them their own way.
struct SignInSteps: Sendable {
    let clients: ClientAuthenticator
    let authorizations: AuthorizationRepository
    let users: UserRepository
    let login: LoginService
    let browserSessions: BrowserSessionService
    let clock: AppClock

    static let pageLifetime: TimeInterval = 600
    /// A second step waits as long as an `mfa_token` does, and dies after as many wrong codes.
    static let codeStepLifetime = LoginService.mfaTokenLifetime
    static let formGone = "This sign-in form was used already, has expired, or was not made by this server for this browser. Go back to the app and start again."

    /// A sign-in page to render: the client, what the page is for, and its anti-forgery value.
    struct Page: Sendable {
        var client: OAuthClient
        var purpose: SignInPurpose
        var formID: String
        var error: String?
        var username: String?
        /// The second step: the password was right; the page asks for the code only.
        var asksForCode = false
        /// A consent page: the person of the browser session, who only allows or denies.
        var signedInAs: User? = nil
    }

    /// The browser a page is answered for.
    struct Visit: Sendable {
        /// Its anti-forgery cookie, which a page's form is bound to (`nil`: none was sent).
        var browser: String?
        /// Its sign-in session's cookie.
        var sessionCookie: String?
        /// The address login throttling counts.
        var address: String
        var userAgent: String?
    }

    /// What happens to the browser's sign-in session cookie with an answer.
    enum SessionCookieChange: Sendable, Equatable {
        case set(String)
        case clear
    }

    /// An answer and what it does to the session cookie.
    struct Reply: Sendable {
        var answer: Answer
        var sessionCookie: SessionCookieChange? = nil
    }

    /// How a person is signed in once a page is done: by the password just now (a new browser
    /// session, `newCookie`) or by the browser session they allowed from.
    struct SignedIn: Sendable {
        var user: User
        var amr: [AuthMethod]
        /// When they last entered their password.
        var authTime: Date
        var newCookie: String?
    }

    /// What a page's answer is for the browser.
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

    /// Where a submitted page left the person.
    enum Progress: Sendable {
        /// Not finished: the page again, a lock, or a refusal (and "not you?" ends the session).
        case unfinished(Answer, SessionCookieChange? = nil)
        case denied(OAuthClient, SignInPurpose)
        case signedIn(OAuthClient, SignInPurpose, SignedIn)
    }

    /// Which step a page is for: the password (with the name typed so far), the code of a user
    /// whose password was right (the page's stored row knows them; it carries no password), or
    /// the consent of a browser session's person.
    private enum Step {
        case password(username: String?)
        case code(User, failures: Int)
        case consent(BrowserSessionService.SignedIn)
    }

    /// The first page of `purpose`: "signed in as" for a live browser session, else the password step.
    func firstPage(_ client: OAuthClient, _ purpose: SignInPurpose, browser: String, session: BrowserSessionService.SignedIn?)
        async throws -> Page
    {
        try await page(client, purpose, browser: browser, step: session.map(Step.consent) ?? .password(username: nil))
    }

    /// The page's form: its anti-forgery value must name a page rendered for this browser and not
    /// used yet (every POST uses it up; a wrong password gets a new page).
    func submit(form: [(String, String)], visit: Visit) async throws -> Progress {
        let fields = ParameterList(form)
        guard let formID = fields.single("request"), let browser = visit.browser,
            let taken = try await authorizations.takePage(idHash: OpaqueToken.hash(formID)),
            constantTimeEqual(taken.browserHash, OpaqueToken.hash(browser)), taken.expiresAt > clock.now()
        else { return .unfinished(.refused(Self.formGone)) }
        let purpose = taken.purpose
        guard let client = try await clients.find(id: purpose.clientID) else { return .unfinished(.refused("Unknown client: it was deleted.")) }
        let action = fields.single("action")
        if let sessionID = taken.browserSessionID {
            return try await consentStep(client, purpose, sessionID: sessionID, action: action, browser: browser)
        }
        switch action {
        case "deny": return .denied(client, purpose)
        case "allow": break
        default: return .unfinished(.refused("The form was not sent by its Allow or Deny button."))
        }
        if let userID = taken.pendingUserID {
            guard let user = try await users.find(id: userID), user.isActive, user.mfaEnabled else {
                return .unfinished(.refused(Self.formGone))
            }
            return try await codeStep(client, purpose, user: user, failures: taken.failures, code: fields.single("code"), visit: visit)
        }
        let address = visit.address
        let username = fields.single("username") ?? ""
        let retry = Step.password(username: username)
        guard !username.isEmpty, let password = fields.single("password"), !password.isEmpty else {
            return .unfinished(.page(try await page(client, purpose, browser: browser, step: retry, error: "Enter your username and password.")))
        }
        let user: User
        do {
            user = try await login.authenticate(username: username, password: password, address: address)
        } catch APIError.throttled(let seconds) {
            return .unfinished(.throttled(retryAfter: seconds, try await page(client, purpose, browser: browser, step: retry, error: Self.locked(seconds))))
        } catch APIError.oauth(_, let message) {
            return .unfinished(.page(try await page(client, purpose, browser: browser, step: retry, error: message)))
        }
        guard user.mfaEnabled else { return try await signedIn(client, purpose, user, amr: [.password], visit: visit) }
        return .unfinished(.page(try await page(client, purpose, browser: browser, step: .code(user, failures: 0))))
    }

    /// A consent page's form: Allow or Deny as the browser session's person, or "not you?", which
    /// ends that session and asks for the password.
    private func consentStep(_ client: OAuthClient, _ purpose: SignInPurpose, sessionID: String, action: String?, browser: String)
        async throws -> Progress
    {
        switch action {
        case "deny":
            return .denied(client, purpose)
        case "switch":
            try await browserSessions.end(id: sessionID)
            return .unfinished(.page(try await page(client, purpose, browser: browser, step: .password(username: nil))), .clear)
        case "allow":
            // Ended meanwhile (signed out in another tab, the password changed): the password again.
            guard let signedIn = try await browserSessions.find(id: sessionID) else {
                return .unfinished(
                    .page(
                        try await page(
                            client, purpose, browser: browser, step: .password(username: nil),
                            error: "Your sign-in has ended. Sign in again.")), .clear)
            }
            return .signedIn(
                client, purpose,
                SignedIn(user: signedIn.user, amr: signedIn.session.amr, authTime: signedIn.session.signedInAt, newCookie: nil))
        default:
            return .unfinished(.refused("The form was not sent by its Allow, Deny or \"Not you?\" button."))
        }
    }

    /// The password (and the code) were right: a new browser session for this browser.
    private func signedIn(_ client: OAuthClient, _ purpose: SignInPurpose, _ user: User, amr: [AuthMethod], visit: Visit)
        async throws -> Progress
    {
        let (cookie, opened) = try await browserSessions.open(user: user, amr: amr, userAgent: visit.userAgent, replacing: visit.sessionCookie)
        return .signedIn(client, purpose, SignedIn(user: user, amr: amr, authTime: opened.session.signedInAt, newCookie: cookie))
    }

    /// The second step's form: a TOTP or recovery code for the user whose password was right.
    private func codeStep(_ client: OAuthClient, _ purpose: SignInPurpose, user: User, failures: Int, code: String?, visit: Visit)
        async throws -> Progress
    {
        let browser = visit.browser ?? ""
        let address = visit.address
        let retry = Step.code(user, failures: failures)
        guard let code else {
            return .unfinished(
                .page(try await page(client, purpose, browser: browser, step: retry, error: "Enter the code from your authenticator app, or a recovery code.")))
        }
        let right: Bool
        do {
            right = try await login.checkSecondFactor(user: user, SecondFactorCode(entered: code), address: address)
        } catch APIError.throttled(let seconds) {
            return .unfinished(.throttled(retryAfter: seconds, try await page(client, purpose, browser: browser, step: retry, error: Self.locked(seconds))))
        }
        guard right else {
            guard failures + 1 < LoginService.mfaMaximumFailures else {
                return .unfinished(.refused("Too many wrong codes. Go back to the app and sign in again."))
            }
            return .unfinished(
                .page(
                    try await page(
                        client, purpose, browser: browser, step: .code(user, failures: failures + 1),
                        error: "That code is not right, or was used already.")))
        }
        return try await signedIn(client, purpose, user, amr: [.password, .oneTimePassword], visit: visit)
    }

    /// A new page for `step`, stored under a fresh anti-forgery value bound to this browser.
    private func page(_ client: OAuthClient, _ purpose: SignInPurpose, browser: String, step: Step, error: String? = nil) async throws -> Page {
        let formID = OpaqueToken.generate()
        let now = clock.now()
        var stored = AuthorizationRepository.StoredPage(
            purpose: purpose, browserHash: OpaqueToken.hash(browser), expiresAt: now.addingTimeInterval(Self.pageLifetime),
            pendingUserID: nil, failures: 0)
        var page = Page(client: client, purpose: purpose, formID: formID, error: error)
        switch step {
        case .password(let username):
            page.username = username
        case .code(let user, let failures):
            stored.pendingUserID = user.id
            stored.failures = failures
            stored.expiresAt = now.addingTimeInterval(Self.codeStepLifetime)
            page.username = user.username
            page.asksForCode = true
        case .consent(let signedIn):
            stored.browserSessionID = signedIn.session.id
            page.signedInAs = signedIn.user
            // Allow must come while the password is as recent as `max_age` asks.
            if case .authorization(let request) = purpose, let maxAge = request.maxAge {
                stored.expiresAt = min(stored.expiresAt, signedIn.session.signedInAt.addingTimeInterval(Double(maxAge)))
            }
        }
        try await authorizations.savePage(idHash: OpaqueToken.hash(formID), stored, now: now)
        return page
    }

    static func locked(_ seconds: Int) -> String { "Too many failed sign-ins; try again in \(seconds) seconds." }
}
