import Foundation
import HTTPTypes
import Testing

@testable import TaskManager

/// The browser sign-in session (single sign-on), remembered consents, `prompt` and `max_age`, and
/// `/logout`, through the router on both engines, as a browser with a cookie jar drives them.
@Suite struct SingleSignOnRouterTests {
    typealias Auth = AuthorizationRouterTests
    static let issuer = "https://tasks.example.com"
    static let sessionCookie = "__Host-tm_session"

    /// A browser that keeps every cookie the server sets, and forgets one set with `Max-Age=0`.
    final class Browser: @unchecked Sendable {
        let api: RouterClient
        var cookies: [String: String] = [:]
        var setCookies: [String] = []
        init(_ api: RouterClient) { self.api = api }

        var header: HTTPFields {
            var headers: HTTPFields = [:]
            if !cookies.isEmpty { headers[.cookie] = cookies.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }.joined(separator: "; ") }
            return headers
        }

        func get(_ uri: String) async throws -> Reply { keep(try await api.send(.get, uri, headers: header)) }

        func post(_ path: String, _ fields: [(String, String)]) async throws -> Reply {
            keep(try await api.send(.post, path, form: formBody(fields), headers: header))
        }

        private func keep(_ reply: Reply) -> Reply {
            setCookies = reply.headers[values: .setCookie]
            for line in setCookies {
                let pair = line.prefix { $0 != ";" }
                guard let equals = pair.firstIndex(of: "=") else { continue }
                let name = String(pair[..<equals])
                let value = String(pair[pair.index(after: equals)...])
                if line.contains("Max-Age=0") || value.isEmpty { cookies[name] = nil } else { cookies[name] = value }
            }
            return reply
        }

        /// The sign-in session's cookie as the server set it last.
        var sessionSetCookie: String? { setCookies.first { $0.hasPrefix(SingleSignOnRouterTests.sessionCookie + "=") } }
    }

    struct App {
        let api: RouterClient
        let admin: String
        let clock: ManualClock
        let planner: String
        let other: String
    }

    static let plannerRedirect = "https://planner.example.com/cb"
    static let plannerSignedOut = "https://planner.example.com/bye"

    func withApp(configure: @escaping @Sendable (inout ServerSettings) -> Void = { _ in }, _ body: @Sendable @escaping (App) async throws -> Void)
        async throws
    {
        let clock = ManualClock()
        try await withSeededDatabase(admin: "root") { url in
            try await withTestApp({ $0.databaseURL = url; $0.configuredPublicURL = Self.issuer; configure(&$0) }, clock: clock) { api in
                try await api.register("alice")
                try await api.register("bob")
                let admin = try await api.login("root")
                let planner = try await Auth.register(
                    api, admin: admin,
                    #"{"client_name": "Planner", "redirect_uris": ["https://planner.example.com/cb"], "post_logout_redirect_uris": ["https://planner.example.com/bye"]}"#
                ).string("client_id")!
                let other = try await Auth.register(
                    api, admin: admin, #"{"client_name": "Other app", "redirect_uris": ["https://other.example.com/cb"]}"#
                ).string("client_id")!
                try await body(App(api: api, admin: admin, clock: clock, planner: planner, other: other))
            }
        }
    }

    static func uri(_ client: String, redirect: String = plannerRedirect, scope: String = "openid tasks:read", extra: String = "")
        -> (uri: String, verifier: String)
    {
        let (verifier, challenge) = Auth.pkce()
        return (Auth.authorizeURI(client: client, redirect: redirect, challenge: challenge, extra: "&scope=\(FormFields.encode(scope))" + extra), verifier)
    }

    /// The password page's form, filled and allowed.
    static func signIn(_ browser: Browser, _ page: Reply, username: String = "alice") async throws -> Reply {
        #expect(page.status == 200 && page.body.contains("id=\"password\""), "\(page.body)")
        return try await browser.post("/authorize", [
            ("request", try #require(Auth.formID(page))), ("username", username), ("password", Auth.password), ("action", "allow"),
        ])
    }

    /// The code of a 303's Location, exchanged by a public client: the token answer.
    static func exchange(_ api: RouterClient, _ answer: Reply, client: String, verifier: String, redirect: String = plannerRedirect)
        async throws -> Reply
    {
        #expect(answer.status == 303, "\(answer.status) \(answer.body)")
        let code = try #require(Auth.query(answer.header("Location"))["code"], "\(answer.header("Location") ?? "")")
        let reply = try await api.send(
            .post, "/token",
            form: formBody([
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirect), ("client_id", client),
                ("code_verifier", verifier),
            ]))
        #expect(reply.status == 200, "\(reply.body)")
        return reply
    }

    static func claims(_ jwt: String?) -> [String: Any] {
        TokenServiceTests.json(jwt?.split(separator: ".").dropFirst().first ?? "") ?? [:]
    }

    @Test func aSignedInBrowserIsNotAskedAgainAndAConsentIsRememberedPerClient() async throws {
        try await withApp { app in
            let browser = Browser(app.api)
            var (uri, verifier) = Self.uri(app.planner)
            let signedIn = try await Self.signIn(browser, try await browser.get(uri))
            let cookie = try #require(browser.sessionSetCookie)
            #expect(cookie.contains("; Path=/") && cookie.contains("; HttpOnly") && cookie.contains("; SameSite=Lax") && cookie.contains("; Secure"))
            let first = try await Self.exchange(app.api, signedIn, client: app.planner, verifier: verifier)
            let signInTime = try #require(Self.claims(first.string("id_token"))["auth_time"] as? Int)

            // The same client, the same or fewer scopes, later: the code at once, the password's time kept.
            app.clock.advance(by: 90)
            (uri, verifier) = Self.uri(app.planner, scope: "openid")
            let again = try await browser.get(uri)
            #expect(again.status == 303, "\(again.body)")
            #expect(Auth.query(again.header("Location"))["iss"] == Self.issuer)
            let second = try await Self.exchange(app.api, again, client: app.planner, verifier: verifier)
            let claims = Self.claims(second.string("id_token"))
            #expect(claims["auth_time"] as? Int == signInTime)
            let access = Self.claims(second.string("access_token"))
            #expect(access["auth_time"] as? Int == signInTime)
            #expect(access["amr"] as? [String] == ["pwd"])

            // More scopes than allowed: "signed in as", no password; Allow widens the consent.
            (uri, verifier) = Self.uri(app.planner, scope: "openid tasks:read tasks:write")
            let consentPage = try await browser.get(uri)
            #expect(consentPage.status == 200)
            #expect(consentPage.body.contains("Signed in as <strong>alice</strong>") && !consentPage.body.contains("id=\"password\""))
            #expect(consentPage.body.contains(#"value="switch""#))
            #expect(consentPage.header("Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
            #expect(consentPage.header("Cache-Control") == "no-store")
            let allowed = try await browser.post("/authorize", [("request", try #require(Auth.formID(consentPage))), ("action", "allow")])
            _ = try await Self.exchange(app.api, allowed, client: app.planner, verifier: verifier)
            #expect(try await browser.get(Self.uri(app.planner, scope: "openid tasks:write").uri).status == 303)

            // A consent given to one client is not another's: its page, and consent_required without one.
            let otherPage = try await browser.get(Self.uri(app.other, redirect: "https://other.example.com/cb").uri)
            #expect(otherPage.status == 200 && otherPage.body.contains("Signed in as"))
            let silent = try await browser.get(Self.uri(app.other, redirect: "https://other.example.com/cb", extra: "&prompt=none").uri)
            #expect(silent.status == 303)
            let refused = Auth.query(silent.header("Location"))
            #expect(refused["error"] == "consent_required" && refused["state"] == "s-1" && refused["iss"] == Self.issuer)
            #expect(refused["code"] == nil)

            // Listed and revocable: forgotten, the page comes back.
            let token = try await app.api.login("alice")
            let consents = try await app.api.send(.get, "/me/consents", token: token)
            #expect(consents.status == 200 && consents.header("Cache-Control") == "no-store")
            let item = try #require(consents.items.first)
            #expect(consents.items.count == 1)
            #expect(item["client_id"] as? String == app.planner && item["client_name"] as? String == "Planner")
            #expect(Set(item["scopes"] as? [String] ?? []) == ["openid", "tasks:read", "tasks:write"])
            #expect(Set(item.keys) == ["client_id", "client_name", "scopes", "created_at"])
            #expect(try await app.api.send(.get, "/me/consents", token: try await app.api.login("bob")).items.isEmpty)
            #expect(try await app.api.send(.delete, "/me/consents/\(app.planner)", token: try await app.api.login("bob")).status == 404)
            for odd in ["%00", "not-a-client", "taskmanager-cli", String(repeating: "x", count: 300)] {
                let reply = try await app.api.send(.delete, "/me/consents/\(odd)", token: token)
                #expect(reply.status == 404 && reply.string("detail") == "Consent not found", "\(odd): \(reply.status) \(reply.body)")
            }
            #expect(try await app.api.send(.delete, "/me/consents/\(app.planner)", token: token).status == 204)
            let gone = try await app.api.send(.delete, "/me/consents/\(app.planner)", token: token)
            #expect(gone.status == 404 && gone.string("detail") == "Consent not found")
            #expect(try await browser.get(Self.uri(app.planner).uri).status == 200)
        }
    }

    @Test func theBrowserSessionIsListedAndEndsWithTheAccountsOtherSessions() async throws {
        try await withApp { app in
            let browser = Browser(app.api)
            _ = try await Self.signIn(browser, try await browser.get(Self.uri(app.planner).uri))
            let token = try await app.api.login("alice")
            let listed = try await app.api.send(.get, "/me/sessions", token: token).items
            let session = try #require(listed.first { $0["kind"] as? String == "browser" })
            #expect(listed.filter { $0["kind"] as? String == "token" }.count == 1)
            #expect(session["client_id"] is NSNull && session["current"] as? Bool == false)
            // No token names a browser session: it cannot be presented as one.
            #expect(try await app.api.send(.delete, "/me/sessions/\(session["id"] as! String)", token: token).status == 204)
            let silent = try await browser.get(Self.uri(app.planner, extra: "&prompt=none").uri)
            #expect(Auth.query(silent.header("Location"))["error"] == "login_required")

            // A password change ends it too.
            _ = try await Self.signIn(browser, try await browser.get(Self.uri(app.planner).uri))
            #expect(try await browser.get(Self.uri(app.planner).uri).status == 303)
            let changed = try await app.api.send(
                .post, "/me/password", token: token,
                json: jsonBody(["current_password": Auth.password, "new_password": "another good password"]))
            #expect(changed.status == 204, "\(changed.body)")
            #expect(try await browser.get(Self.uri(app.planner).uri).body.contains("id=\"password\""))
        }
    }

    @Test func promptAndMaxAge() async throws {
        try await withApp { app in
            let browser = Browser(app.api)
            // prompt=none never shows a page.
            let cold = try await browser.get(Self.uri(app.planner, extra: "&prompt=none").uri)
            #expect(cold.status == 303)
            let coldQuery = Auth.query(cold.header("Location"))
            #expect(coldQuery["error"] == "login_required" && coldQuery["state"] == "s-1" && coldQuery["iss"] == Self.issuer)
            #expect(cold.header("Location")?.hasPrefix(Self.plannerRedirect + "?") == true)

            _ = try await Self.signIn(browser, try await browser.get(Self.uri(app.planner).uri))
            let (silentURI, verifier) = Self.uri(app.planner, extra: "&prompt=none")
            _ = try await Self.exchange(app.api, try await browser.get(silentURI), client: app.planner, verifier: verifier)
            // prompt=login: the password, even signed in; prompt=consent: the Allow page, even remembered.
            #expect(try await browser.get(Self.uri(app.planner, extra: "&prompt=login").uri).body.contains("id=\"password\""))
            let consent = try await browser.get(Self.uri(app.planner, extra: "&prompt=consent").uri)
            #expect(consent.status == 200 && consent.body.contains("Signed in as"))

            app.clock.advance(by: 120)
            #expect(try await browser.get(Self.uri(app.planner, extra: "&max_age=600").uri).status == 303)
            #expect(try await browser.get(Self.uri(app.planner, extra: "&max_age=60").uri).body.contains("id=\"password\""))
            let old = try await browser.get(Self.uri(app.planner, extra: "&prompt=none&max_age=60").uri)
            #expect(Auth.query(old.header("Location"))["error"] == "login_required")
            // A consent page's Allow must come while the password is still as recent as max_age asks.
            let recentEnough = try await browser.get(Self.uri(app.planner, extra: "&prompt=consent&max_age=130").uri)
            #expect(recentEnough.status == 200 && recentEnough.body.contains("Signed in as"))
            app.clock.advance(by: 20)
            let late = try await browser.post("/authorize", [("request", try #require(Auth.formID(recentEnough))), ("action", "allow")])
            #expect(late.status == 400 && late.header("Location") == nil)

            // Signing in again (prompt=login) starts a new session with a new time and a new cookie.
            let before = browser.cookies[Self.sessionCookie]
            let (loginURI, loginVerifier) = Self.uri(app.planner, extra: "&prompt=login")
            let fresh = try await Self.exchange(
                app.api, try await Self.signIn(browser, try await browser.get(loginURI)), client: app.planner, verifier: loginVerifier)
            #expect(browser.cookies[Self.sessionCookie] != before)
            #expect(Self.claims(fresh.string("id_token"))["auth_time"] as? Int == Int(app.clock.now.timeIntervalSince1970))
            let token = try await app.api.login("alice")
            #expect(try await app.api.send(.get, "/me/sessions", token: token).items.filter { $0["kind"] as? String == "browser" }.count == 1)

            for bad in ["&prompt=select_account", "&prompt=none%20login", "&max_age=-1", "&max_age=soon", "&prompt=none&prompt=none"] {
                let reply = try await browser.get(Self.uri(app.planner, extra: bad).uri)
                #expect(reply.status == 303, "\(bad)")
                #expect(Auth.query(reply.header("Location"))["error"] == "invalid_request", "\(bad)")
            }
        }
    }

    @Test func notYouEndsTheSessionAndAsksForThePassword() async throws {
        try await withApp { app in
            let browser = Browser(app.api)
            _ = try await Self.signIn(browser, try await browser.get(Self.uri(app.planner).uri))
            let named = try await app.api.send(.patch, "/me", token: try await app.api.login("alice"), json: #"{"full_name": "Alice Liddell"}"#)
            #expect(named.status == 200, "\(named.body)")
            let page = try await browser.get(Self.uri(app.other, redirect: "https://other.example.com/cb").uri)
            #expect(page.body.contains("<h1>Continue to Other app</h1>"))
            #expect(page.body.contains("Signed in as <strong>Alice Liddell</strong> (alice)."))
            let switched = try await browser.post("/authorize", [("request", try #require(Auth.formID(page))), ("action", "switch")])
            #expect(switched.status == 200 && switched.body.contains("id=\"password\""))
            #expect(browser.sessionSetCookie?.contains("Max-Age=0") == true)
            #expect(browser.cookies[Self.sessionCookie] == nil)
            let token = try await app.api.login("alice")
            #expect(try await app.api.send(.get, "/me/sessions", token: token).items.allSatisfy { $0["kind"] as? String == "token" })
            // Bob signs in on the page "not you?" brought: his session, his code.
            let (uri, verifier) = Self.uri(app.other, redirect: "https://other.example.com/cb", scope: "openid me")
            let bob = try await Self.signIn(browser, try await browser.get(uri), username: "bob")
            let tokens = try await Self.exchange(app.api, bob, client: app.other, verifier: verifier, redirect: "https://other.example.com/cb")
            let me = try await app.api.send(.get, "/me", token: try #require(tokens.string("access_token")))
            #expect(me.string("username") == "bob")
        }
    }

    @Test func idleAndMaximumLifetimesEndTheSession() async throws {
        try await withApp(configure: { $0.browserSessionIdle = 3_600; $0.browserSessionMax = 10_000 }) { app in
            let browser = Browser(app.api)
            _ = try await Self.signIn(browser, try await browser.get(Self.uri(app.planner).uri))
            #expect(browser.sessionSetCookie?.contains("Max-Age=10000") == true)
            // Used every 50 minutes it lives on, until the maximum.
            for _ in 0..<3 {
                app.clock.advance(by: 3_000)
                #expect(try await browser.get(Self.uri(app.planner).uri).status == 303)
            }
            app.clock.advance(by: 1_001)
            #expect(try await browser.get(Self.uri(app.planner).uri).body.contains("id=\"password\""))
            // Unused for more than the idle time, it ends.
            _ = try await Self.signIn(browser, try await browser.get(Self.uri(app.planner).uri))
            app.clock.advance(by: 3_601)
            #expect(try await browser.get(Self.uri(app.planner).uri).body.contains("id=\"password\""))
        }
    }

    @Test func aDeviceIsApprovedWithoutThePasswordButNeverWithoutAllow() async throws {
        try await withApp { app in
            let browser = Browser(app.api)
            _ = try await Self.signIn(browser, try await browser.get(Self.uri(app.planner).uri))
            let started = try await app.api.send(
                .post, "/device_authorization", form: formBody([("client_id", "taskmanager-cli"), ("scope", "openid tasks:read")]))
            #expect(started.status == 200, "\(started.body)")
            let entry = try await browser.get("/device")
            let entryValue = try #require(entry.body.range(of: #"name="entry" value=""#).map { String(entry.body[$0.upperBound...].prefix { $0 != "\"" }) })
            let page = try await browser.post("/device", [("entry", entryValue), ("user_code", started.string("user_code")!)])
            #expect(page.status == 200 && page.body.contains("Signed in as <strong>alice</strong>") && !page.body.contains("id=\"password\""))
            app.clock.advance(by: 30)
            let done = try await browser.post("/device", [("request", try #require(Auth.formID(page))), ("action", "allow")])
            #expect(done.body.contains("Device signed in"), "\(done.body)")
            let tokens = try await app.api.send(
                .post, "/token",
                form: formBody([
                    ("grant_type", DeviceGrant.grantType), ("device_code", started.string("device_code")!), ("client_id", "taskmanager-cli"),
                ]))
            #expect(tokens.status == 200, "\(tokens.body)")
            #expect(Self.claims(tokens.string("id_token"))["auth_time"] as? Int == Int(app.clock.now.timeIntervalSince1970) - 30)
        }
    }

    // MARK: /logout

    /// Alice signed in to Planner in `browser`, with an ID token for it.
    func signedIn(_ app: App, _ browser: Browser) async throws -> (idToken: String, accessToken: String) {
        let (uri, verifier) = Self.uri(app.planner)
        let tokens = try await Self.exchange(app.api, try await Self.signIn(browser, try await browser.get(uri)), client: app.planner, verifier: verifier)
        return (try #require(tokens.string("id_token")), try #require(tokens.string("access_token")))
    }

    func isSignedIn(_ browser: Browser, _ app: App) async throws -> Bool {
        let silent = try await browser.get(Self.uri(app.planner, extra: "&prompt=none").uri)
        return Auth.query(silent.header("Location"))["code"] != nil
    }

    static func logoutURI(_ fields: [(String, String)]) -> String {
        "/logout?" + fields.map { "\($0)=\(FormFields.encode($1))" }.joined(separator: "&")
    }

    @Test func aValidHintAndARegisteredURISignOutAtOnceAndKeepTokenSessions() async throws {
        try await withApp { app in
            let browser = Browser(app.api)
            let (idToken, _) = try await signedIn(app, browser)
            app.clock.advance(by: 7_200)  // an expired hint is still a hint
            // Sent as a form, the request goes on as a GET, which carries the session's SameSite=Lax cookie.
            let posted = try await browser.post(
                "/logout", [("id_token_hint", idToken), ("post_logout_redirect_uri", Self.plannerSignedOut), ("state", "x y"), ("other", "z")])
            #expect(posted.status == 303)
            let onward = try #require(posted.header("Location"))
            #expect(onward.hasPrefix("/logout?id_token_hint=") && !onward.contains("other"))
            #expect(try await isSignedIn(browser, app))
            let out = try await browser.get(onward)
            #expect(out.status == 303)
            #expect(out.header("Location") == Self.plannerSignedOut + "?state=x%20y")
            #expect(browser.sessionSetCookie?.contains("Max-Age=0") == true)
            #expect(try await !isSignedIn(browser, app))
            // Token sessions are ended by revocation, not by a logout.
            let sessions = try await app.api.send(.get, "/me/sessions", token: try await app.api.login("alice")).items
            #expect(sessions.contains { $0["client_id"] as? String == app.planner })
        }
    }

    @Test func anythingLessAsksAndNeverRedirectsToAnUnregisteredURI() async throws {
        try await withApp { app in
            let browser = Browser(app.api)
            let (idToken, _) = try await signedIn(app, browser)
            let parts = idToken.split(separator: ".").map(String.init)
            let header = Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))
            var tampered = Array(parts[2])
            tampered[10] = tampered[10] == "A" ? "B" : "A"
            let hints: [(String, [(String, String)])] = [
                ("no hint", [("client_id", app.planner), ("post_logout_redirect_uri", Self.plannerSignedOut)]),
                ("alg none", [("id_token_hint", "\(header).\(parts[1])."), ("post_logout_redirect_uri", Self.plannerSignedOut)]),
                ("forged signature", [("id_token_hint", "\(parts[0]).\(parts[1]).\(String(tampered))"), ("post_logout_redirect_uri", Self.plannerSignedOut)]),
                ("an access token", [("id_token_hint", try await app.api.login("alice")), ("post_logout_redirect_uri", Self.plannerSignedOut)]),
                ("another client's", [("id_token_hint", idToken), ("client_id", app.other), ("post_logout_redirect_uri", Self.plannerSignedOut)]),
                ("unregistered URI", [("id_token_hint", idToken), ("post_logout_redirect_uri", "https://evil.example.com/")]),
                ("a login redirect URI", [("id_token_hint", idToken), ("post_logout_redirect_uri", Self.plannerRedirect)]),
            ]
            for (what, fields) in hints {
                let page = try await browser.get(Self.logoutURI(fields + [("state", "s")]))
                #expect(page.status == 200, "\(what)")
                #expect(page.header("Location") == nil, "\(what)")
                #expect(page.body.contains("Sign out of TaskManager?") && page.body.contains("Signed in as") == false, "\(what)")
                #expect(page.body.contains("evil.example.com") == false, "\(what)")
                #expect(page.header("Content-Security-Policy")?.contains("frame-ancestors 'none'") == true, "\(what)")
                #expect(page.header("Cache-Control") == "no-store" && !page.body.contains("<script"), "\(what)")
                #expect(try await isSignedIn(browser, app), "\(what): still signed in")
            }
            // Another person's ID token does not sign this browser out unasked.
            let other = Browser(app.api)
            let (bobToken, _) = try await {
                let (uri, verifier) = Self.uri(app.planner)
                let tokens = try await Self.exchange(
                    app.api, try await Self.signIn(other, try await other.get(uri), username: "bob"), client: app.planner, verifier: verifier)
                return (tokens.string("id_token")!, tokens.string("access_token")!)
            }()
            let foreign = try await browser.get(Self.logoutURI([("id_token_hint", bobToken), ("post_logout_redirect_uri", Self.plannerSignedOut)]))
            #expect(foreign.status == 200 && foreign.body.contains("Sign out of TaskManager?"))

            // A request the contract refuses: a 400 page, nothing changed.
            let long = try await browser.get(Self.logoutURI([("id_token_hint", idToken), ("post_logout_redirect_uri", Self.plannerSignedOut), ("state", String(repeating: "s", count: 1_025))]))
            #expect(long.status == 400 && long.header("Location") == nil)
            let twice = try await browser.get(Self.logoutURI([("id_token_hint", idToken), ("post_logout_redirect_uri", Self.plannerSignedOut), ("state", "a"), ("state", "b")]))
            #expect(twice.status == 400)
            #expect(try await isSignedIn(browser, app))

            // Yes without the page's value: 400, nothing changed.
            let page = try await browser.get(Self.logoutURI([("client_id", app.planner), ("post_logout_redirect_uri", Self.plannerSignedOut), ("state", "s")]))
            #expect(page.body.contains("You are signed in as <strong>alice</strong>"))
            let forged = try await browser.post("/logout", [("confirm", "yes"), ("entry", "made-up")])
            #expect(forged.status == 400)
            #expect(try await browser.post("/logout", [("confirm", "yes")]).status == 400)
            #expect(try await isSignedIn(browser, app))
            // Yes with it: signed out, back to the registered URI the page carried.
            let entry = try #require(page.body.range(of: #"name="entry" value=""#).map { String(page.body[$0.upperBound...].prefix { $0 != "\"" }) })
            let yes = try await browser.post(
                "/logout", [("confirm", "yes"), ("entry", entry), ("client_id", app.planner), ("post_logout_redirect_uri", Self.plannerSignedOut), ("state", "s")])
            #expect(yes.status == 303 && yes.header("Location") == Self.plannerSignedOut + "?state=s")
            #expect(try await !isSignedIn(browser, app))

            // A Yes carrying an unregistered URI signs out and stays on the page.
            _ = try await signedIn(app, browser)
            let stay = try await browser.post(
                "/logout", [("confirm", "yes"), ("entry", entry), ("client_id", app.planner), ("post_logout_redirect_uri", "https://evil.example.com/")])
            #expect(stay.status == 200 && stay.header("Location") == nil && stay.body.contains("You are signed out"))
            #expect(try await !isSignedIn(browser, app))
        }
    }

    @Test func discoveryNamesTheEndSessionEndpointAndThePromptValues() async throws {
        try await withApp { app in
            let document = try await app.api.send(.get, "/.well-known/openid-configuration")
            #expect(document.string("end_session_endpoint") == Self.issuer + "/logout")
            #expect(Set(document["prompt_values_supported"] as? [String] ?? []) == ["none", "login", "consent"])
            let metadata = try await app.api.send(.get, "/.well-known/oauth-authorization-server")
            #expect(metadata.string("end_session_endpoint") == Self.issuer + "/logout")
            let clients = try await app.api.send(.get, "/admin/clients", token: app.admin).items
            #expect(clients.first { $0["client_id"] as? String == app.planner }?["post_logout_redirect_uris"] as? [String] == [Self.plannerSignedOut])
            let bad = try await app.api.send(
                .post, "/admin/clients", token: app.admin,
                json: #"{"client_name": "Bad", "redirect_uris": ["https://a.example.com/cb"], "post_logout_redirect_uris": ["http://a.example.com/bye"]}"#)
            #expect(bad.status == 422 && bad.validationLocations == ["body.post_logout_redirect_uris"], "\(bad.body)")
        }
    }
}
