import Foundation

/// The sign-in page's flow for an app (RFC 6749 §4.1 with PKCE S256, RFC 9207 `iss`, OpenID
/// Connect's `prompt` and `max_age`): what `/authorize` answers, and the code sent back to the
/// client once the person has taken the page's steps (`SignInSteps`) — or at once, when their
/// browser session is live and they allowed this client these scopes before (remembered consent).
/// The code's exchange at `/token` is `SessionGrantService`'s.
struct SignInService: Sendable {
    let steps: SignInSteps
    let clients: ClientAuthenticator
    let authorizations: AuthorizationRepository
    let browserSessions: BrowserSessionService
    let consents: ConsentRepository
    /// The public URL: `iss` of every answer.
    let issuer: String
    let clock: AppClock

    static let codeLifetime: TimeInterval = 60

    typealias Answer = SignInSteps.Answer
    typealias Reply = SignInSteps.Reply

    // MARK: GET /authorize

    func begin(query: [(String, String)], visit: SignInSteps.Visit) async throws -> Reply {
        let fields = ParameterList(query)
        guard let clientID = fields.single("client_id") else { return Reply(answer: .refused(fields.problem("client_id"))) }
        guard let client = try await clients.find(id: clientID) else {
            return Reply(answer: .refused("Unknown client: no application is registered as this client_id."))
        }
        switch AuthorizationRequestCheck.check(fields, client: client, publicURL: issuer) {
        case .refused(let reason):
            return Reply(answer: .refused(reason))
        case .rejected(let redirectURI, let state, let error, let description):
            return Reply(answer: redirect(to: redirectURI, state: state, [("error", error), ("error_description", description)]))
        case .accepted(let request):
            return Reply(answer: try await answer(request, client: client, visit: visit))
        }
    }

    /// A checked request: the code at once, a redirect with `login_required` or `consent_required`
    /// (`prompt=none`: never a page), the consent page, or the password page.
    private func answer(_ request: AuthorizationRequest, client: OAuthClient, visit: SignInSteps.Visit) async throws -> Answer {
        var session = try await browserSessions.current(cookie: visit.sessionCookie)
        if let signedIn = session, request.prompt.contains(.login) || isTooOld(signedIn.session, maxAge: request.maxAge) {
            session = nil
        }
        var remembered = false
        if let signedIn = session, !request.prompt.contains(.consent) {
            let allowed = try await consents.find(userID: signedIn.user.id, clientID: client.id) ?? []
            remembered = Self.granted(request, to: signedIn.user).allSatisfy(allowed.contains)
        }
        if request.prompt.contains(.silent) {
            guard let signedIn = session else {
                return redirect(request, [("error", "login_required"), ("error_description", "The user is not signed in")])
            }
            guard remembered else {
                return redirect(request, [("error", "consent_required"), ("error_description", "The user has not allowed this client these scopes")])
            }
            return try await issueCode(request, Self.signedIn(signedIn))
        }
        if let signedIn = session, remembered {
            return try await issueCode(request, Self.signedIn(signedIn))
        }
        return .page(try await steps.firstPage(client, .authorization(request), browser: visit.browser ?? "", session: session))
    }

    /// More than `max_age` seconds since the person entered their password.
    private func isTooOld(_ session: LoginSession, maxAge: Int?) -> Bool {
        guard let maxAge else { return false }
        return clock.now().timeIntervalSince(session.signedInAt) > Double(maxAge)
    }

    private static func signedIn(_ signedIn: BrowserSessionService.SignedIn) -> SignInSteps.SignedIn {
        SignInSteps.SignedIn(user: signedIn.user, amr: signedIn.session.amr, authTime: signedIn.session.signedInAt, newCookie: nil)
    }

    // MARK: POST /authorize

    /// A sign-in page of an app's request, sent back; a device's page is `DeviceApprovalService`'s.
    func submit(form: [(String, String)], visit: SignInSteps.Visit) async throws -> Reply {
        switch try await steps.submit(form: form, visit: visit) {
        case .unfinished(let answer, let cookie):
            return Reply(answer: answer, sessionCookie: cookie)
        case .denied(_, .authorization(let request)):
            return Reply(answer: redirect(request, [("error", "access_denied"), ("error_description", "The user denied the request")]))
        case .signedIn(_, .authorization(let request), let signedIn):
            // Allowed on a page: remembered, so that the next request for these scopes needs no page.
            let granted = Self.granted(request, to: signedIn.user)
            if !granted.isEmpty {
                try await consents.remember(userID: signedIn.user.id, clientID: request.clientID, scopes: granted, now: clock.now())
            }
            return Reply(answer: try await issueCode(request, signedIn), sessionCookie: signedIn.newCookie.map { .set($0) })
        case .denied(_, .device), .signedIn(_, .device, _):
            return Reply(answer: .refused(SignInSteps.formGone))
        }
    }

    /// What of the request the user may have.
    private static func granted(_ request: AuthorizationRequest, to user: User) -> [Scope] {
        request.scopes.filter(Scope.allowed(isAdmin: user.isAdmin).contains)
    }

    /// The user is signed in: a code for the scopes they may have, sent back to the client.
    private func issueCode(_ request: AuthorizationRequest, _ signedIn: SignInSteps.SignedIn) async throws -> Answer {
        let granted = Self.granted(request, to: signedIn.user)
        guard !granted.isEmpty else {
            return redirect(request, [("error", "invalid_scope"), ("error_description", "None of the requested scopes is available to this user")])
        }
        var approved = request
        approved.scopes = granted
        let code = OpaqueToken.generate()
        try await authorizations.saveCode(
            hash: OpaqueToken.hash(code),
            AuthorizationCode(
                request: approved, userID: signedIn.user.id, expiresAt: clock.now().addingTimeInterval(Self.codeLifetime),
                amr: signedIn.amr, authTime: signedIn.authTime))
        return redirect(request, [("code", code)])
    }

    /// The answer for the client that made `request`, with its `state`.
    private func redirect(_ request: AuthorizationRequest, _ pairs: [(String, String?)]) -> Answer {
        redirect(to: request.redirectURI, state: request.state, pairs)
    }

    private func redirect(to uri: String, state: String?, _ pairs: [(String, String?)]) -> Answer {
        .redirect(Self.redirectURI(uri, pairs + [("state", state)], issuer: issuer))
    }

    /// `uri` with the pairs (those with a value) and `iss` (when given) added to its query, form-encoded.
    static func redirectURI(_ uri: String, _ pairs: [(String, String?)], issuer: String?) -> String {
        let query = (pairs + [("iss", issuer)]).compactMap { name, value in value.map { "\(name)=\(FormFields.encode($0))" } }
        guard !query.isEmpty else { return uri }
        return uri + (uri.contains("?") ? "&" : "?") + query.joined(separator: "&")
    }
}
