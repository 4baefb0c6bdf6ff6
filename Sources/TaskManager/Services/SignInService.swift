import Foundation

/// The sign-in page's flow for an app (RFC 6749 §4.1 with PKCE S256, RFC 9207 `iss`): what
/// `/authorize` answers, and the code sent back to the client once the person has taken the
/// page's steps (`SignInSteps`). The code's exchange at `/token` is `SessionGrantService`'s.
struct SignInService: Sendable {
    let steps: SignInSteps
    let clients: ClientAuthenticator
    let authorizations: AuthorizationRepository
    /// The public URL: `iss` of every answer.
    let issuer: String
    let clock: AppClock

    static let codeLifetime: TimeInterval = 60

    typealias Answer = SignInSteps.Answer

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
            return .page(try await steps.firstPage(client, .authorization(request), browser: browser))
        }
    }

    // MARK: POST /authorize

    /// A sign-in page of an app's request, sent back; a device's page is `DeviceApprovalService`'s.
    func submit(form: [(String, String)], browser: String?, address: String) async throws -> Answer {
        switch try await steps.submit(form: form, browser: browser, address: address) {
        case .unfinished(let answer):
            answer
        case .denied(_, .authorization(let request)):
            redirect(request, [("error", "access_denied"), ("error_description", "The user denied the request")])
        case .signedIn(_, .authorization(let request), let user, let amr):
            try await issueCode(request, user: user, amr: amr)
        case .denied(_, .device), .signedIn(_, .device, _, _):
            .refused(SignInSteps.formGone)
        }
    }

    /// The user is signed in: a code for the scopes they may have, sent back to the client.
    private func issueCode(_ request: AuthorizationRequest, user: User, amr: [AuthMethod]) async throws -> Answer {
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
