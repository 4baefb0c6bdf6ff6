import Foundation

/// OpenID Connect RP-Initiated Logout 1.0 at `/logout`: ends the browser's sign-in session. With a
/// valid `id_token_hint` (an ID token of ours, expired or not, for `client_id` when given) and one
/// of the client's registered `post_logout_redirect_uris`, at once, back to the app with `state`;
/// with anything less, after the person says Yes on a page, and never to an unregistered URI. Token
/// sessions are not ended here: revocation ends them.
struct LogoutService: Sendable {
    let tokens: TokenService
    let clients: ClientAuthenticator
    let browserSessions: BrowserSessionService

    /// What `/logout` was asked.
    struct Request: Sendable {
        var idTokenHint: String?
        var clientID: String?
        var redirectURI: String?
        var state: String?
        /// Why it cannot be answered (a 400 page, nothing changed), or `nil`.
        var problem: String?

        init(_ fields: ParameterList) {
            idTokenHint = fields.single("id_token_hint")
            clientID = fields.single("client_id")
            redirectURI = fields.single("post_logout_redirect_uri")
            state = fields.single("state")
            for name in ["id_token_hint", "client_id", "post_logout_redirect_uri", "state"] where fields.values(name).count > 1 {
                problem = "\(name) is given twice."
            }
            // `state` goes back as it came: `/authorize`'s limits.
            if let state, state.utf8.count > AuthorizationRequestCheck.maximumStateLength || FieldRules.hasNUL(state) {
                problem = "state must be at most \(AuthorizationRequestCheck.maximumStateLength) bytes, without NUL."
            }
        }
    }

    /// The page's question: who is signed in, and what its Yes carries (a registered URI only).
    struct Question: Sendable {
        var name: String?
        var clientID: String?
        var redirectURI: String?
        var state: String?
    }

    enum Answer: Sendable {
        /// Signed out (if signed in); 303 to the client's registered URI.
        case redirect(String)
        /// "Sign out of TaskManager?"
        case ask(Question)
        /// Signed out; nowhere registered to go back to.
        case signedOut
    }

    /// The app's request (`GET` or `POST /logout`).
    func begin(_ request: Request, sessionCookie: String?) async throws -> Answer {
        var hint: IDTokenClaims?
        if let text = request.idTokenHint { hint = await tokens.verifyIDTokenHint(text) }
        if let claims = hint, let clientID = request.clientID, !claims.aud.value.contains(clientID) { hint = nil }
        let clientID = request.clientID ?? hint.flatMap { $0.aud.value.count == 1 ? $0.aud.value[0] : nil }
        let target = try await registeredTarget(clientID: clientID, uri: request.redirectURI)
        let current = try await browserSessions.current(cookie: sessionCookie)
        // The hint must be the signed-in person's: another person's ID token does not sign this one out unasked.
        if let hint, let target, current == nil || current?.user.id == hint.sub.value {
            try await browserSessions.end(cookie: sessionCookie)
            return .redirect(SignInService.redirectURI(target, [("state", request.state)], issuer: nil))
        }
        return .ask(
            Question(
                name: current.map { $0.user.fullName ?? $0.user.username }, clientID: target == nil ? nil : clientID,
                redirectURI: target, state: target == nil ? nil : request.state))
    }

    /// The page's Yes (its anti-forgery value checked by the page): signed out, then back to the
    /// client's registered URI when the page carried one.
    func confirm(_ request: Request, sessionCookie: String?) async throws -> Answer {
        try await browserSessions.end(cookie: sessionCookie)
        guard let target = try await registeredTarget(clientID: request.clientID, uri: request.redirectURI) else { return .signedOut }
        return .redirect(SignInService.redirectURI(target, [("state", request.state)], issuer: nil))
    }

    /// `uri` when it is exactly one of the client's `post_logout_redirect_uris`.
    private func registeredTarget(clientID: String?, uri: String?) async throws -> String? {
        guard let clientID, let uri, let client = try await clients.find(id: clientID), client.postLogoutRedirectURIs.contains(uri) else {
            return nil
        }
        return uri
    }
}
