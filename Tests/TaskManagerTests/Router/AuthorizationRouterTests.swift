import Crypto
import Foundation
import HTTPTypes
import Testing

@testable import TaskManager

/// The authorization-code flow through the router, as a browser and an app would drive it, on
/// both engines: `/authorize`, its sign-in page's form, and the code's exchange at `/token`.
@Suite struct AuthorizationRouterTests {
    static let password = "correct horse battery"

    /// A PKCE pair: a fresh 64-character verifier and its S256 challenge.
    static func pkce() -> (verifier: String, challenge: String) {
        let verifier = OpaqueToken.generate() + "-._~" + OpaqueToken.generate().prefix(17)
        return (verifier, Base64URL.encode(Array(SHA256.hash(data: Array(verifier.utf8)))))
    }

    /// One browser: keeps the cookie the server sets; its forms go to `formPath`.
    class Browser: @unchecked Sendable {
        let api: RouterClient
        let formPath: String
        var cookie: String?
        init(_ api: RouterClient, formPath: String = "/authorize") {
            self.api = api
            self.formPath = formPath
        }

        func get(_ uri: String) async throws -> Reply {
            var headers: HTTPFields = [:]
            if let cookie { headers[.cookie] = cookie }
            let reply = try await api.send(.get, uri, headers: headers)
            if let set = reply.header("Set-Cookie") { cookie = String(set.prefix { $0 != ";" }) }
            return reply
        }

        func post(_ fields: [(String, String)], cookie override: String? = nil) async throws -> Reply {
            var headers: HTTPFields = [:]
            if let cookie = override ?? cookie { headers[.cookie] = cookie }
            return try await api.send(.post, formPath, form: formBody(fields), headers: headers)
        }
    }

    static func formID(_ page: Reply) -> String? {
        guard let range = page.body.range(of: #"name="request" value=""#) else { return nil }
        return String(page.body[range.upperBound...].prefix { $0 != "\"" })
    }

    static func query(_ location: String?) -> [String: String] {
        let items = location.flatMap { URLComponents(string: $0)?.queryItems } ?? []
        return Dictionary(items.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
    }

    static func authorizeURI(client: String, redirect: String?, challenge: String, state: String = "s-1", extra: String = "") -> String {
        var uri = "/authorize?response_type=code&client_id=\(FormFields.encode(client))&code_challenge=\(challenge)&code_challenge_method=S256&state=\(FormFields.encode(state))"
        if let redirect { uri += "&redirect_uri=\(FormFields.encode(redirect))" }
        return uri + extra
    }

    /// An admin registers `body` as a client; returns its answer.
    static func register(_ api: RouterClient, admin: String, _ body: String) async throws -> Reply {
        let reply = try await api.send(.post, "/admin/clients", token: admin, json: body)
        #expect(reply.status == 201, "\(reply.body)")
        return reply
    }

    /// Signs `username` in on the page and allows: the redirect's query.
    static func signIn(_ browser: Browser, _ uri: String, username: String = "alice", password: String = password) async throws
        -> [String: String]
    {
        let page = try await browser.get(uri)
        #expect(page.status == 200, "\(page.body)")
        let answer = try await browser.post([
            ("request", try #require(formID(page))), ("username", username), ("password", password), ("action", "allow"),
        ])
        #expect(answer.status == 303, "\(answer.body)")
        return query(answer.header("Location"))
    }

    func withApp(clock: ManualClock? = nil, _ body: @Sendable @escaping (RouterClient, String) async throws -> Void) async throws {
        try await withSeededDatabase(admin: "root") { url in
            try await withTestApp({ $0.databaseURL = url; $0.configuredPublicURL = "https://tasks.example.com" }, clock: clock) { api in
                try await api.register("alice")
                try await body(api, try await api.login("root"))
            }
        }
    }

    @Test func aPublicClientSignsInExchangesRefreshesAndTheCodeIsGoodOnce() async throws {
        try await withApp { api, admin in
            let client = try await Self.register(
                api, admin: admin, #"{"client_name": "Planner", "redirect_uris": ["http://127.0.0.1:7000/cb"]}"#)
            let clientID = try #require(client.string("client_id"))
            let (verifier, challenge) = Self.pkce()
            let browser = Browser(api)
            // A loopback redirect URI on another port than registered is this client's (RFC 8252).
            let uri = Self.authorizeURI(client: clientID, redirect: "http://127.0.0.1:51234/cb", challenge: challenge, state: "a b&c")
            let page = try await browser.get(uri)
            #expect(page.status == 200)
            #expect(page.header("Content-Type") == "text/html; charset=utf-8")
            #expect(page.header("Cache-Control") == "no-store")
            #expect(page.header("X-Frame-Options") == "DENY")
            #expect(page.header("Referrer-Policy") == "no-referrer")
            let policy = try #require(page.header("Content-Security-Policy"))
            #expect(policy.contains("frame-ancestors 'none'") && !policy.contains("script-src") && policy.contains("default-src 'none'"))
            #expect(!page.body.contains("<script"))
            #expect(page.body.contains("Planner") && page.body.contains("See your tasks"))
            #expect(browser.cookie?.hasPrefix("tm_browser=") == true)

            let answer = try await browser.post([
                ("request", try #require(Self.formID(page))), ("username", "alice"), ("password", Self.password), ("action", "allow"),
            ])
            #expect(answer.status == 303)
            let location = try #require(answer.header("Location"))
            #expect(location.hasPrefix("http://127.0.0.1:51234/cb?code="))
            let back = Self.query(location)
            #expect(back["state"] == "a b&c")
            #expect(back["iss"] == "https://tasks.example.com")
            let code = try #require(back["code"])
            #expect(code.count >= 43)

            let exchange: [(String, String)] = [
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", "http://127.0.0.1:51234/cb"),
                ("code_verifier", verifier), ("client_id", clientID),
            ]
            let tokens = try await api.send(.post, "/token", form: formBody(exchange))
            #expect(tokens.status == 200, "\(tokens.body)")
            #expect(tokens.string("scope") == "me tasks:read tasks:write lists:share")
            let access = try #require(tokens.string("access_token"))
            let refresh = try #require(tokens.string("refresh_token"))
            let sessions = try await api.send(.get, "/me/sessions", token: access)
            #expect(sessions.items.first?["client_id"] as? String == clientID)

            // Refreshed only by its client.
            var refreshed = try await api.send(.post, "/token", form: formBody([("grant_type", "refresh_token"), ("refresh_token", refresh)]))
            #expect(refreshed.string("error") == "invalid_grant")
            refreshed = try await api.send(
                .post, "/token", form: formBody([("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "swagger-ui")]))
            #expect(refreshed.string("error") == "invalid_grant")
            refreshed = try await api.send(
                .post, "/token", form: formBody([("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", clientID)]))
            #expect(refreshed.status == 200, "\(refreshed.body)")
            let newRefresh = try #require(refreshed.string("refresh_token"))

            // The code again: refused, and the session its first use made is over.
            let reuse = try await api.send(.post, "/token", form: formBody(exchange))
            #expect(reuse.status == 400)
            #expect(reuse.string("error") == "invalid_grant")
            #expect(try await api.send(.get, "/me", token: access).status == 401)
            let dead = try await api.send(
                .post, "/token", form: formBody([("grant_type", "refresh_token"), ("refresh_token", newRefresh), ("client_id", clientID)]))
            #expect(dead.string("error") == "invalid_grant")
        }
    }

    @Test func whatCannotBeRedirectedIsA400PageAndNothingIsSent() async throws {
        try await withApp { api, admin in
            let client = try await Self.register(
                api, admin: admin,
                #"{"client_name": "App", "redirect_uris": ["https://app.example.com/cb", "https://app.example.com/other"]}"#)
            let id = try #require(client.string("client_id"))
            let challenge = Self.pkce().challenge
            let browser = Browser(api)
            var uris = [
                Self.authorizeURI(client: UUID().uuidString, redirect: "https://app.example.com/cb", challenge: challenge),
                Self.authorizeURI(client: "", redirect: "https://app.example.com/cb", challenge: challenge),
                Self.authorizeURI(client: id, redirect: nil, challenge: challenge),  // two registered: which?
                Self.authorizeURI(client: id, redirect: "https://app.example.com/cb", challenge: challenge, extra: "&client_id=\(id)"),
                Self.authorizeURI(client: id, redirect: "https://app.example.com/cb", challenge: challenge, extra: "&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb"),
            ]
            for near in [
                "https://app.example.com/cb/", "https://app.example.com:8443/cb", "https://APP.example.com/cb", "https://app.example.com/CB",
                "https://app.example.com/cb?x=1", "https://app.example.com/cb#f", "http://app.example.com/cb", "https://evil.example.com/cb",
            ] {
                uris.append(Self.authorizeURI(client: id, redirect: near, challenge: challenge))
            }
            uris.append("/authorize")
            for uri in uris {
                let reply = try await browser.get(uri)
                #expect(reply.status == 400, "\(uri)")
                #expect(reply.header("Location") == nil, "\(uri)")
                #expect(reply.header("Content-Type") == "text/html; charset=utf-8")
                #expect(reply.header("X-Frame-Options") == "DENY")
                #expect(reply.body.contains("Cannot sign in"))
            }
        }
    }

    @Test func everyOtherProblemGoesBackToTheClient() async throws {
        try await withApp { api, admin in
            let client = try await Self.register(api, admin: admin, #"{"client_name": "App", "redirect_uris": ["https://app.example.com/cb"]}"#)
            let id = try #require(client.string("client_id"))
            let challenge = Self.pkce().challenge
            let base = "/authorize?client_id=\(id)&state=st"
            let cases: [(String, String)] = [
                (base + "&code_challenge=\(challenge)&code_challenge_method=S256", "invalid_request"),  // no response_type
                (base + "&response_type=token&code_challenge=\(challenge)&code_challenge_method=S256", "unsupported_response_type"),
                (base + "&response_type=code&code_challenge=\(challenge)", "invalid_request"),  // no method
                (base + "&response_type=code&code_challenge=\(challenge)&code_challenge_method=plain", "invalid_request"),
                (base + "&response_type=code&code_challenge_method=S256", "invalid_request"),  // no challenge
                (base + "&response_type=code&code_challenge=short&code_challenge_method=S256", "invalid_request"),
                (base + "&response_type=code&code_challenge=\(challenge)&code_challenge_method=S256&scope=root", "invalid_scope"),
                (base + "&response_type=code&code_challenge=\(challenge)&code_challenge_method=S256&scope=admin", "invalid_scope"),
                (base + "&response_type=code&code_challenge=\(challenge)&code_challenge_method=S256&scope=me&scope=me", "invalid_request"),
                (base + "&response_type=code&response_type=code&code_challenge=\(challenge)&code_challenge_method=S256", "invalid_request"),
            ]
            for (uri, error) in cases {
                let reply = try await api.send(.get, uri)
                #expect(reply.status == 303, "\(uri)")
                let location = reply.header("Location") ?? ""
                #expect(location.hasPrefix("https://app.example.com/cb?"), "\(uri)")
                let back = Self.query(location)
                #expect(back["error"] == error, "\(uri)")
                #expect(back["state"] == "st", "\(uri)")
                #expect(back["iss"] == "https://tasks.example.com")
                #expect(back["error_description"]?.isEmpty == false)
                #expect(back["code"] == nil)
            }
            // Its only redirect URI may be left out; an unknown parameter is ignored.
            let page = try await api.send(.get, base + "&response_type=code&code_challenge=\(challenge)&code_challenge_method=S256&foo=bar")
            #expect(page.status == 200)
        }
    }

    @Test func theCodeIsBoundToItsClientRedirectVerifierAndTime() async throws {
        let clock = ManualClock()
        try await withApp(clock: clock) { api, admin in
            let first = try #require(
                try await Self.register(api, admin: admin, #"{"client_name": "One", "redirect_uris": ["https://one.example.com/cb"]}"#)
                    .string("client_id"))
            let second = try #require(
                try await Self.register(api, admin: admin, #"{"client_name": "Two", "redirect_uris": ["https://two.example.com/cb"]}"#)
                    .string("client_id"))
            func code(redirect: String? = "https://one.example.com/cb") async throws -> (code: String, verifier: String) {
                let (verifier, challenge) = Self.pkce()
                let back = try await Self.signIn(Browser(api), Self.authorizeURI(client: first, redirect: redirect, challenge: challenge))
                return (try #require(back["code"]), verifier)
            }
            func exchange(_ fields: [(String, String)]) async throws -> Reply {
                try await api.send(.post, "/token", form: formBody([("grant_type", "authorization_code")] + fields))
            }
            let refusals: [(String, (String, String) -> [(String, String)])] = [
                ("wrong verifier", { c, _ in [("code", c), ("code_verifier", Self.pkce().verifier), ("client_id", first), ("redirect_uri", "https://one.example.com/cb")] }),
                ("no verifier", { c, _ in [("code", c), ("client_id", first), ("redirect_uri", "https://one.example.com/cb")] }),
                ("another client", { c, v in [("code", c), ("code_verifier", v), ("client_id", second), ("redirect_uri", "https://one.example.com/cb")] }),
                ("other redirect", { c, v in [("code", c), ("code_verifier", v), ("client_id", first), ("redirect_uri", "https://one.example.com/cb/")] }),
                ("no redirect", { c, v in [("code", c), ("code_verifier", v), ("client_id", first)] }),
            ]
            for (name, fields) in refusals {
                let (c, v) = try await code()
                let reply = try await exchange(fields(c, v))
                #expect(reply.status == 400, "\(name)")
                #expect(reply.string("error") == "invalid_grant", "\(name): \(reply.body)")
                // A refused exchange used the code up.
                let again = try await exchange([("code", c), ("code_verifier", v), ("client_id", first), ("redirect_uri", "https://one.example.com/cb")])
                #expect(again.string("error") == "invalid_grant", "\(name) then right")
            }
            // Without redirect_uri at /authorize, none is needed at /token.
            let bare = try await code(redirect: nil)
            #expect(try await exchange([("code", bare.code), ("code_verifier", bare.verifier), ("client_id", first)]).status == 200)
            // Expired after 60 seconds.
            let late = try await code()
            clock.advance(by: 61)
            let expired = try await exchange([
                ("code", late.code), ("code_verifier", late.verifier), ("client_id", first), ("redirect_uri", "https://one.example.com/cb"),
            ])
            #expect(expired.string("error") == "invalid_grant")
            // An unknown code; a missing one; an unknown client.
            #expect(try await exchange([("code", OpaqueToken.generate()), ("code_verifier", late.verifier), ("client_id", first)]).string("error") == "invalid_grant")
            #expect(try await exchange([("client_id", first)]).string("error") == "invalid_request")
            let unknown = try await exchange([("code", "x"), ("client_id", "nobody")])
            #expect(unknown.status == 400)
            #expect(unknown.string("error") == "invalid_client")
        }
    }

    @Test func twoExchangesRacingWithOneCodeGetOneSession() async throws {
        try await withApp { api, admin in
            let id = try #require(
                try await Self.register(api, admin: admin, #"{"client_name": "One", "redirect_uris": ["https://one.example.com/cb"]}"#)
                    .string("client_id"))
            for _ in 0..<3 {
                let (verifier, challenge) = Self.pkce()
                let code = try #require(try await Self.signIn(Browser(api), Self.authorizeURI(client: id, redirect: nil, challenge: challenge))["code"])
                let form = formBody([("grant_type", "authorization_code"), ("code", code), ("code_verifier", verifier), ("client_id", id)])
                async let one = api.send(.post, "/token", form: form)
                async let two = api.send(.post, "/token", form: form)
                let statuses = try await [one.status, two.status].sorted()
                #expect(statuses == [200, 400])
            }
        }
    }

    @Test func aConfidentialClientAuthenticatesWithBasicOrTheForm() async throws {
        try await withApp { api, admin in
            let client = try await Self.register(
                api, admin: admin, #"{"client_name": "Sync", "redirect_uris": ["https://sync.example.com/cb"], "confidential": true}"#)
            let id = try #require(client.string("client_id"))
            let secret = try #require(client.string("client_secret"))
            func code() async throws -> (String, String) {
                let (verifier, challenge) = Self.pkce()
                return (try #require(try await Self.signIn(Browser(api), Self.authorizeURI(client: id, redirect: nil, challenge: challenge))["code"]), verifier)
            }
            func basic(_ user: String, _ password: String) -> HTTPFields {
                [.authorization: "Basic " + Data("\(FormFields.encode(user)):\(FormFields.encode(password))".utf8).base64EncodedString()]
            }
            var (c, v) = try await code()
            var reply = try await api.send(.post, "/token", form: formBody([("grant_type", "authorization_code"), ("code", c), ("code_verifier", v), ("client_id", id)]))
            #expect(reply.status == 400)
            #expect(reply.string("error") == "invalid_client")
            reply = try await api.send(
                .post, "/token", form: formBody([("grant_type", "authorization_code"), ("code", c), ("code_verifier", v)]), headers: basic(id, "wrong"))
            #expect(reply.status == 401)
            #expect(reply.string("error") == "invalid_client")
            #expect(reply.header("WWW-Authenticate")?.hasPrefix("Basic") == true)
            reply = try await api.send(
                .post, "/token",
                form: formBody([("grant_type", "authorization_code"), ("code", c), ("code_verifier", v), ("client_id", id), ("client_secret", "wrong")]))
            #expect(reply.status == 400)
            #expect(reply.string("error") == "invalid_client")
            // A failed client authentication does not use the code up.
            reply = try await api.send(
                .post, "/token", form: formBody([("grant_type", "authorization_code"), ("code", c), ("code_verifier", v)]), headers: basic(id, secret))
            #expect(reply.status == 200, "\(reply.body)")
            let refresh = try #require(reply.string("refresh_token"))
            reply = try await api.send(.post, "/token", form: formBody([("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", id)]))
            #expect(reply.string("error") == "invalid_client")
            reply = try await api.send(
                .post, "/token", form: formBody([("grant_type", "refresh_token"), ("refresh_token", refresh)]), headers: basic(id, secret))
            #expect(reply.status == 200)

            (c, v) = try await code()
            reply = try await api.send(
                .post, "/token",
                form: formBody([("grant_type", "authorization_code"), ("code", c), ("code_verifier", v), ("client_id", id), ("client_secret", secret)]))
            #expect(reply.status == 200)
            // Both ways at once is not allowed; a malformed Basic header is a failed authentication.
            (c, v) = try await code()
            reply = try await api.send(
                .post, "/token", form: formBody([("grant_type", "authorization_code"), ("code", c), ("code_verifier", v), ("client_secret", secret)]),
                headers: basic(id, secret))
            #expect(reply.string("error") == "invalid_request")
            reply = try await api.send(
                .post, "/token", form: formBody([("grant_type", "authorization_code"), ("code", c), ("code_verifier", v)]),
                headers: [.authorization: "Basic !!!"])
            #expect(reply.status == 401)
            // A public client sending a secret.
            reply = try await api.send(
                .post, "/token",
                form: formBody([("grant_type", "authorization_code"), ("code", c), ("code_verifier", v), ("client_id", "swagger-ui"), ("client_secret", "x")]))
            #expect(reply.string("error") == "invalid_client")
        }
    }

    @Test func theFormIsGoodOnceForItsBrowserAndDenyGoesBack() async throws {
        try await withApp { api, admin in
            let id = try #require(
                try await Self.register(api, admin: admin, #"{"client_name": "One", "redirect_uris": ["https://one.example.com/cb"]}"#)
                    .string("client_id"))
            let browser = Browser(api)
            let uri = Self.authorizeURI(client: id, redirect: nil, challenge: Self.pkce().challenge)
            var page = try await browser.get(uri)
            let first = try #require(Self.formID(page))
            let allow = { (form: String) -> [(String, String)] in
                [("request", form), ("username", "alice"), ("password", Self.password), ("action", "allow")]
            }
            // Forged, missing, without the browser's cookie, with another browser's cookie: 400, nothing sent.
            for (fields, cookie) in [
                (allow(OpaqueToken.generate()), nil), ([("username", "alice"), ("password", Self.password), ("action", "allow")], nil),
                (allow(first), "tm_browser=" + OpaqueToken.generate()),
            ] as [([(String, String)], String?)] {
                let reply = try await browser.post(fields, cookie: cookie)
                #expect(reply.status == 400)
                #expect(reply.header("Location") == nil)
            }
            // (The foreign cookie used the form up.) A wrong password: the page again, with a new value.
            page = try await browser.get(uri)
            let second = try #require(Self.formID(page))
            let wrong = try await browser.post([("request", second), ("username", "alice"), ("password", "not it at all"), ("action", "allow")])
            #expect(wrong.status == 200)
            #expect(wrong.body.contains("Incorrect username or password"))
            let third = try #require(Self.formID(wrong))
            #expect(third != second)
            // The used value again: replayed, refused.
            #expect(try await browser.post(allow(second)).status == 400)
            // Deny.
            let denied = try await browser.post([("request", third), ("action", "deny")])
            #expect(denied.status == 303)
            let back = Self.query(denied.header("Location"))
            #expect(back["error"] == "access_denied")
            #expect(back["code"] == nil)
            #expect(back["iss"] == "https://tasks.example.com")
            #expect(try await browser.post(allow(third)).status == 400)
            // Not a form at all.
            #expect(try await api.send(.post, "/authorize", json: "{}").status == 400)
        }
    }

    @Test func thePageIsThrottledLikeTheTokenEndpoint() async throws {
        try await withApp { api, admin in
            let browser = Browser(api)
            let uri = Self.authorizeURI(client: "swagger-ui", redirect: nil, challenge: Self.pkce().challenge)
            var page = try await browser.get(uri)
            for _ in 0..<5 {
                page = try await browser.post([
                    ("request", try #require(Self.formID(page))), ("username", "alice"), ("password", "wrong password"), ("action", "allow"),
                ])
                #expect(page.status == 200)
            }
            let locked = try await browser.post([
                ("request", try #require(Self.formID(page))), ("username", "alice"), ("password", Self.password), ("action", "allow"),
            ])
            #expect(locked.status == 429)
            #expect(Int(locked.header("Retry-After") ?? "") ?? 0 >= 1)
            #expect(locked.body.contains("Too many failed sign-ins"))
            // The token endpoint counts the same failures.
            #expect(try await api.send(.post, "/token", form: formBody([("username", "alice"), ("password", Self.password)])).status == 429)
        }
    }

    @Test func whatARequestOrARegistrationSaysIsShownEscaped() async throws {
        try await withApp { api, admin in
            let id = try #require(
                try await Self.register(
                    api, admin: admin, #"{"client_name": "<script>alert(1)</script>\"'&", "redirect_uris": ["https://one.example.com/cb"]}"#
                ).string("client_id"))
            let browser = Browser(api)
            let page = try await browser.get(
                Self.authorizeURI(client: id, redirect: nil, challenge: Self.pkce().challenge, state: #""><script>alert(2)</script>"#))
            #expect(page.status == 200)
            #expect(!page.body.contains("<script"))
            #expect(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"))
            let again = try await browser.post([
                ("request", try #require(Self.formID(page))), ("username", "<img src=x onerror=alert(3)>"), ("password", "x"), ("action", "allow"),
            ])
            #expect(again.status == 200)
            #expect(!again.body.contains("<img"))
            #expect(again.body.contains("&lt;img src=x onerror=alert(3)&gt;"))
            // A scope is never shown as given: an unknown one is an error sent back to the client.
            let scoped = try await browser.get(
                Self.authorizeURI(client: id, redirect: nil, challenge: Self.pkce().challenge, extra: "&scope=%3Cb%3E"))
            #expect(scoped.status == 303)
        }
    }

    @Test func theMetadataNamesTheEndpointsAtThePublicURL() async throws {
        try await withTestApp({ $0.configuredPublicURL = "https://tasks.example.com/" + "tm" }) { api in
            let reply = try await api.send(.get, "/.well-known/oauth-authorization-server")
            #expect(reply.status == 200)
            #expect(reply.string("issuer") == "https://tasks.example.com/tm")
            #expect(reply.string("authorization_endpoint") == "https://tasks.example.com/tm/authorize")
            #expect(reply.string("token_endpoint") == "https://tasks.example.com/tm/token")
            #expect(reply.string("revocation_endpoint") == "https://tasks.example.com/tm/token/revoke")
            #expect(reply["code_challenge_methods_supported"] as? [String] == ["S256"])
            #expect(reply["response_types_supported"] as? [String] == ["code"])
            #expect(reply["authorization_response_iss_parameter_supported"] as? Bool == true)
            #expect((reply["grant_types_supported"] as? [String])?.contains("authorization_code") == true)
            #expect(reply["token_endpoint_auth_methods_supported"] as? [String] == ["none", "client_secret_basic", "client_secret_post"])
            #expect(reply["scopes_supported"] as? [String] == ["me", "tasks:read", "tasks:write", "lists:share", "admin", "openid", "profile", "email"])
        }
    }
}
