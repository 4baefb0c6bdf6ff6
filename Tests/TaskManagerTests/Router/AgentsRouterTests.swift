import Foundation
import Testing

@testable import TaskManager

/// What lets an agent find and sign in to the server by itself, through the router on every
/// engine: protected-resource metadata (RFC 9728), token audiences (RFC 8707) in every grant, and
/// client registration by anyone (RFC 7591) with its limits.
@Suite struct AgentsRouterTests {
    typealias Flow = AuthorizationRouterTests
    static let publicURL = "https://tasks.example.com"

    func withApp(
        _ adjust: @escaping @Sendable (inout ServerSettings) -> Void = { _ in }, clock: ManualClock? = nil,
        _ body: @Sendable @escaping (RouterClient) async throws -> Void
    ) async throws {
        try await withTestApp({ $0.configuredPublicURL = Self.publicURL; adjust(&$0) }, clock: clock) { api in
            try await api.register("alice")
            try await body(api)
        }
    }

    @Test func theMetadataNamesTheResourcesAndTheServer() async throws {
        try await withApp { api in
            for (path, resource) in [("/.well-known/oauth-protected-resource", Self.publicURL), ("/.well-known/oauth-protected-resource/mcp", Self.publicURL + "/mcp")] {
                let reply = try await api.send(.get, path)
                #expect(reply.status == 200)
                #expect(reply.string("resource") == resource)
                #expect(reply.json["authorization_servers"] as? [String] == [Self.publicURL])
                #expect(reply.json["scopes_supported"] as? [String] == ["me", "tasks:read", "tasks:write", "lists:share"])
                #expect(reply.json["bearer_methods_supported"] as? [String] == ["header"])
            }
            for path in ["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"] {
                #expect(try await api.send(.get, path).string("registration_endpoint") == Self.publicURL + "/register")
            }
            let reply = try await api.send(.get, "/tasks")
            #expect(reply.header("WWW-Authenticate") == #"Bearer resource_metadata="\#(Self.publicURL)/.well-known/oauth-protected-resource""#)
        }
    }

    /// `resource` in the password grant and the refresh: the token's `aud`, kept by a refresh,
    /// another refused as `invalid_target`; an unknown one too.
    @Test func theResourceOfAGrantIsTheTokensAudience() async throws {
        try await withApp { api in
            func grant(_ fields: [(String, String)]) async throws -> Reply {
                try await api.send(.post, "/token", form: formBody(fields))
            }
            let login = [("username", "alice"), ("password", "correct horse battery")]
            var reply = try await grant(login + [("resource", "https://elsewhere.example.com")])
            #expect(reply.status == 400)
            #expect(reply.string("error") == "invalid_target")
            reply = try await grant(login + [("resource", Self.publicURL + "/mcp/")])
            #expect(reply.string("error") == "invalid_target", "compared exactly")

            reply = try await grant(login + [("resource", Self.publicURL + "/mcp")])
            #expect(reply.status == 200, "\(reply.body)")
                        var claims = try accessClaims(try #require(reply.string("access_token")))
            #expect(claims.aud.value == [Self.publicURL + "/mcp"])
            let refreshToken = try #require(reply.string("refresh_token"))
            // Kept by a refresh that does not name it, and by one that names it again.
            reply = try await api.refresh(refreshToken)
            claims = try accessClaims(try #require(reply.string("access_token")))
            #expect(claims.aud.value == [Self.publicURL + "/mcp"])
            reply = try await api.send(
                .post, "/token",
                form: formBody([("grant_type", "refresh_token"), ("refresh_token", try #require(reply.string("refresh_token"))), ("resource", Self.publicURL)]))
            #expect(reply.string("error") == "invalid_target")
            // A plain login's token is the API's, as before.
            claims = try accessClaims(try await api.login("alice"))
            #expect(claims.aud.value == [Self.publicURL])
        }
    }

    /// The code carries the resource of its `/authorize` request into the session it opens.
    @Test func theCodeCarriesTheResourceOfItsRequest() async throws {
        try await withApp { api in
            let registered = try await api.send(
                .post, "/register", json: #"{"client_name": "Agent", "redirect_uris": ["http://127.0.0.1:9000/callback"]}"#)
            let clientID = try #require(registered.string("client_id"), "\(registered.body)")
            let (verifier, challenge) = Flow.pkce()
            let resource = FormFields.encode(Self.publicURL + "/mcp")
            var answer = try await Flow.signIn(
                Flow.Browser(api),
                Flow.authorizeURI(client: clientID, redirect: "http://127.0.0.1:9000/callback", challenge: challenge, extra: "&resource=\(resource)"))
            let code = try #require(answer["code"])
            let exchange: (String, String?) async throws -> Reply = { code, resource in
                var fields = [
                    ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", "http://127.0.0.1:9000/callback"),
                    ("code_verifier", verifier), ("client_id", clientID),
                ]
                if let resource { fields.append(("resource", resource)) }
                return try await api.send(.post, "/token", form: formBody(fields))
            }
            let tokens = try await exchange(code, Self.publicURL + "/mcp")
            #expect(tokens.status == 200, "\(tokens.body)")
            let claims = try accessClaims(try #require(tokens.string("access_token")))
            #expect(claims.aud.value == [Self.publicURL + "/mcp"])
            #expect(claims.clientID == clientID)
            // A code exchanged naming another resource than its request's: invalid_target.
            answer = try await Flow.signIn(
                Flow.Browser(api),
                Flow.authorizeURI(client: clientID, redirect: "http://127.0.0.1:9000/callback", challenge: challenge, extra: "&resource=\(resource)"))
            let mismatched = try await exchange(try #require(answer["code"]), Self.publicURL)
            #expect(mismatched.string("error") == "invalid_target", "\(mismatched.body)")
            // An unknown resource at /authorize goes back to the client as invalid_target.
            answer = Flow.query(
                try await Flow.Browser(api).get(
                    Flow.authorizeURI(client: clientID, redirect: "http://127.0.0.1:9000/callback", challenge: challenge, extra: "&resource=https%3A%2F%2Fevil.example")
                ).header("Location"))
            #expect(answer["error"] == "invalid_target")
        }
    }

    @Test func anyoneRegistersAPublicClientByTheRules() async throws {
        try await withApp { api in
            var reply = try await api.send(
                .post, "/register",
                json: #"""
                    {"client_name": "Claude", "redirect_uris": ["http://127.0.0.1:33418/callback", "https://app.example.com/cb"],
                     "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"],
                     "token_endpoint_auth_method": "client_secret_basic", "scope": "openid tasks:read tasks:write",
                     "application_type": "native", "logo_uri": "https://app.example.com/logo.png"}
                    """#)
            #expect(reply.status == 201, "\(reply.body)")
            #expect(reply.header("Cache-Control") == "no-store")
            #expect(reply.string("token_endpoint_auth_method") == "none")
            #expect(reply.json["client_secret"] == nil)
            #expect(reply.string("client_name") == "Claude")
            // Every scope a person may grant: a narrower one now would refuse the step-up later.
            #expect(reply.string("scope") == "me tasks:read tasks:write lists:share")
            #expect(reply.json["redirect_uris"] as? [String] == ["http://127.0.0.1:33418/callback", "https://app.example.com/cb"])
            #expect(reply.json["client_id_issued_at"] as? Int != nil)
            let clientID = try #require(reply.string("client_id"))

            // The sign-in page says it is not verified; an admin's client is not marked.
            let (_, challenge) = Flow.pkce()
            let page = try await Flow.Browser(api).get(
                Flow.authorizeURI(client: clientID, redirect: "http://127.0.0.1:40000/callback", challenge: challenge))
            #expect(page.status == 200, "\(page.body)")
            #expect(page.body.contains("not verified by TaskManager"))
            let builtIn = try await Flow.Browser(api).get(
                Flow.authorizeURI(client: "taskmanager-web", redirect: nil, challenge: challenge))
            #expect(builtIn.status == 200 && !builtIn.body.contains("not verified"))
            // It has the code grant only: no device flow.
            reply = try await api.send(.post, "/device_authorization", form: formBody([("client_id", clientID)]))
            #expect(reply.status == 400, "\(reply.body)")

            let refusals: [(String, String)] = [
                (#"{"redirect_uris": ["http://app.example.com/cb"]}"#, "invalid_redirect_uri"),
                (#"{"redirect_uris": []}"#, "invalid_redirect_uri"),
                (#"{"client_name": "No URIs"}"#, "invalid_redirect_uri"),
                (#"{"redirect_uris": ["https://app.example.com/cb#frag"]}"#, "invalid_redirect_uri"),
                (#"{"redirect_uris": ["https://a.example/cb"], "scope": "tasks:read admin"}"#, "invalid_client_metadata"),
                (#"{"redirect_uris": ["https://a.example/cb"], "scope": "everything"}"#, "invalid_client_metadata"),
                (#"{"redirect_uris": ["https://a.example/cb"], "grant_types": ["password"]}"#, "invalid_client_metadata"),
                (#"{"redirect_uris": ["https://a.example/cb"], "grant_types": ["client_credentials"]}"#, "invalid_client_metadata"),
                (#"{"redirect_uris": ["https://a.example/cb"], "response_types": ["token"]}"#, "invalid_client_metadata"),
                (#"{"redirect_uris": ["https://a.example/cb"], "client_name": ""}"#, "invalid_client_metadata"),
                (#"{"redirect_uris": ["https://a.example/cb"], "client_name": "Claude\u202e"}"#, "invalid_client_metadata"),
                (#"{"redirect_uris": ["javascript:alert(1)"]}"#, "invalid_redirect_uri"),
                (#"{"redirect_uris": ["com.example.app:/cb"]}"#, "invalid_redirect_uri"),
                (#"{"redirect_uris": "https://a.example/cb"}"#, "invalid_client_metadata"),
                (#"["https://a.example/cb"]"#, "invalid_client_metadata"),
                (#"null"#, "invalid_client_metadata"),
                (#"{"#, "invalid_client_metadata"),
            ]
            for (body, error) in refusals {
                reply = try await api.send(.post, "/register", json: body)
                #expect(reply.status == 400, "\(body): \(reply.status) \(reply.body)")
                #expect(reply.string("error") == error, "\(body): \(reply.body)")
                #expect(reply.string("error_description") != nil && reply.string("detail") == reply.string("error_description"))
            }
            #expect(try await api.send(.post, "/register", form: "redirect_uris=https://a.example/cb").status == 415)
        }
    }

    @Test func tenRegistrationsAnHourFromOneAddress() async throws {
        let clock = ManualClock()
        try await withApp(clock: clock) { api in
            let body = #"{"client_name": "Agent", "redirect_uris": ["http://127.0.0.1/callback"]}"#
            for _ in 0..<10 { #expect(try await api.send(.post, "/register", json: body).status == 201) }
            clock.advance(by: 600)
            let refused = try await api.send(.post, "/register", json: body)
            #expect(refused.status == 429)
            #expect(refused.header("Retry-After") == "3000")
            #expect(refused.string("detail") == "Too many client registrations from this address; try again in 3000 seconds")
            clock.advance(by: 3001)
            #expect(try await api.send(.post, "/register", json: body).status == 201)
        }
    }

    /// The hourly limit counts an IPv6 host by its /64, which it may fill with addresses.
    @Test func aRegistrantIsAnIPv4AddressOrAnIPv6Slash64() {
        #expect(ClientService.registrant("203.0.113.7") == "203.0.113.7")
        #expect(ClientService.registrant("2001:db8:1:2::1") == "20010db800010002::/64")
        #expect(ClientService.registrant("2001:db8:1:2:ffff:ffff:ffff:ffff") == "20010db800010002::/64")
        #expect(ClientService.registrant("unknown") == "unknown")
    }

    @Test func registrationCanBeTurnedOff() async throws {
        try await withApp({ $0.openClientRegistration = false }) { api in
            let reply = try await api.send(.post, "/register", json: #"{"redirect_uris": ["http://127.0.0.1/callback"]}"#)
            #expect(reply.status == 403)
            #expect(reply.string("detail") == "Client registration is turned off on this server")
            #expect(try await api.send(.get, "/.well-known/oauth-authorization-server").json["registration_endpoint"] == nil)
        }
    }
}

/// An access token's claims as it carries them (its signature is `ResourceServerTests`' business).
func accessClaims(_ token: String) throws -> AccessClaims {
    let parts = token.split(separator: ".")
    try #require(parts.count == 3)
    let payload = try #require(Base64URL.decode(parts[1]))
    return try JSONDecoder().decode(AccessClaims.self, from: Data(payload))
}
