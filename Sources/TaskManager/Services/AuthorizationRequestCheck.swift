/// `GET /authorize`'s parameters checked in the contract's order, without the database: the client
/// (already looked up by `client_id`) and the redirect URI first — a problem there is shown, never
/// redirected — then the rest, whose problems go back to the client's redirect URI.
enum AuthorizationRequestCheck {
    enum Outcome: Equatable {
        case accepted(AuthorizationRequest)
        /// Nothing is sent to the client: its redirect URI is unknown or unsafe.
        case refused(String)
        /// Sent back to the client as `error` and `error_description`, with its `state`.
        case rejected(redirectURI: String, state: String?, error: String, description: String)
    }

    static let maximumStateLength = 1_024
    static let maximumNonceLength = 255

    /// `publicURL`: the resources' identifiers start with it (`resource`, RFC 8707).
    static func check(_ fields: ParameterList, client: OAuthClient, publicURL: String) -> Outcome {
        let redirectURI: String
        switch fields.values("redirect_uri").count {
        case 0:
            guard client.redirectURIs.count == 1 else { return .refused("redirect_uri is required: \(client.name) has several registered.") }
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
        func rejected(_ error: String, _ description: String) -> Outcome {
            .rejected(redirectURI: redirectURI, state: state, error: error, description: description)
        }
        for name in ["response_type", "scope", "state", "code_challenge", "code_challenge_method", "nonce", "prompt", "max_age", "resource"] where fields.values(name).count > 1 {
            return rejected("invalid_request", "\(name) is given twice")
        }
        guard let responseType = fields.single("response_type") else { return rejected("invalid_request", "response_type is required") }
        guard responseType == "code" else { return rejected("unsupported_response_type", "Only response_type=code is supported") }
        guard fields.single("code_challenge_method") == "S256" else {
            return rejected("invalid_request", "PKCE is required: code_challenge_method must be S256")
        }
        guard let challenge = fields.single("code_challenge") else { return rejected("invalid_request", "PKCE is required: code_challenge is missing") }
        guard PKCE.isValidChallenge(challenge) else {
            return rejected("invalid_request", "code_challenge must be the base64url SHA-256 of the code_verifier (43 characters)")
        }
        if let state, state.utf8.count > maximumStateLength || FieldRules.hasNUL(state) {
            return rejected("invalid_request", "state must be at most \(maximumStateLength) bytes, without NUL")
        }
        let nonce = fields.single("nonce")
        if let nonce, nonce.count > maximumNonceLength || FieldRules.hasNUL(nonce) {
            return rejected("invalid_request", "nonce must be at most \(maximumNonceLength) characters, without NUL")
        }
        var prompt = Set<AuthorizationPrompt>()
        for word in (fields.single("prompt") ?? "").split(separator: " ") {
            guard let value = AuthorizationPrompt(rawValue: String(word)) else {
                return rejected("invalid_request", "prompt may be none, login or consent, not \(word.prefix(40))")
            }
            prompt.insert(value)
        }
        if prompt.contains(.silent), prompt.count > 1 { return rejected("invalid_request", "prompt=none cannot be combined with another value") }
        var maxAge: Int?
        if let text = fields.single("max_age") {
            guard text.utf8.count <= 10, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }), let seconds = Int(text) else {
                return rejected("invalid_request", "max_age must be a whole number of seconds")
            }
            maxAge = seconds
        }
        var resource = ProtectedResource.api
        if let text = fields.single("resource") {
            guard let named = ProtectedResource.named(text, publicURL: publicURL) else {
                return rejected("invalid_target", "Unknown resource: this server's are \(publicURL) and \(publicURL)/mcp")
            }
            resource = named
        }
        var scopes = client.scopes
        if let text = fields.single("scope"), !text.isEmpty {
            guard let asked = Scope.parseList(text) else { return rejected("invalid_scope", "Unknown scope requested") }
            guard asked.allSatisfy(client.mayAsk) else {
                return rejected("invalid_scope", "The client may not ask for this scope")
            }
            scopes = asked
        }
        return .accepted(
            AuthorizationRequest(
                clientID: client.id, redirectURI: redirectURI, redirectGiven: fields.values("redirect_uri").count == 1, scopes: scopes,
                state: state, codeChallenge: challenge, nonce: nonce, prompt: prompt, maxAge: maxAge, resource: resource))
    }
}
