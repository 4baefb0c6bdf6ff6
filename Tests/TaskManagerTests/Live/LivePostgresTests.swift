import Foundation
import Logging
import NIOHTTP1
import Testing

@testable import TaskManager

/// Several server processes on one PostgreSQL database, and a PostgreSQL outage under a running
/// server: the real binary over HTTP.
@Suite(.enabled(if: TestPostgres.target != nil, Comment(rawValue: TestPostgres.skipped)))
struct LivePostgresTests {
    static let password = "correct horse battery"

    func register(_ server: LiveServer, _ username: String) async throws -> Reply {
        try await server.send(.POST, "/users", json: jsonBody(["username": username, "password": Self.password]))
    }

    func login(_ server: LiveServer, _ username: String, _ password: String = password) async throws -> Reply {
        try await server.send(.POST, "/token", form: formBody([("username", username), ("password", password)]))
    }

    /// The sign-in page rendered by one process is posted to another (behind a load balancer), its
    /// code exchanged on the first, and a reuse on the second ends the session on both.
    @Test func twoProcessesShareTheSignInFlow() async throws {
        try await TestPostgres.withDatabase { url in
            let first = try await LiveServer.start(LiveServer.sharedPublicURL, databaseURL: TestPostgres.urlText(url))
            defer { first.stopInBackground() }
            let second = try await LiveServer.start(LiveServer.sharedPublicURL, databaseURL: TestPostgres.urlText(url))
            defer { second.stopInBackground() }
            #expect(try await register(first, "alice").status == 201)
            let (verifier, challenge) = AuthorizationRouterTests.pkce()
            let page = try await first.send(
                .GET, AuthorizationRouterTests.authorizeURI(client: "swagger-ui", redirect: nil, challenge: challenge))
            #expect(page.status == 200)
            let cookie = String(try #require(page.header("Set-Cookie")).prefix { $0 != ";" })
            let answer = try await second.send(
                .POST, "/authorize",
                form: formBody([
                    ("request", try #require(AuthorizationRouterTests.formID(page))), ("username", "alice"),
                    ("password", Self.password), ("action", "allow"),
                ]), headers: [("Cookie", cookie)])
            #expect(answer.status == 303, "\(answer.body)")
            let code = try #require(AuthorizationRouterTests.query(answer.header("Location"))["code"])
            let exchange = formBody([("grant_type", "authorization_code"), ("code", code), ("code_verifier", verifier), ("client_id", "swagger-ui")])
            let tokens = try await first.send(.POST, "/token", form: exchange)
            #expect(tokens.status == 200, "\(tokens.body)")
            let access = try #require(tokens.string("access_token"))
            #expect(try await second.send(.GET, "/me", token: access).status == 200)
            #expect(try await second.send(.POST, "/token", form: exchange).string("error") == "invalid_grant")
            try await Task.sleep(for: .milliseconds(1_100))  // the contract's second, for the first's cache
            #expect(try await first.send(.GET, "/me", token: access).status == 401)
            #expect(try await second.send(.GET, "/me", token: access).status == 401)
        }
    }

    /// A browser's sign-in session across processes: signed in on one, the other answers
    /// `prompt=none` with a code; logged out on that one, the first answers `login_required`.
    @Test func twoProcessesShareTheBrowserSessionAndItsLogout() async throws {
        try await TestPostgres.withDatabase { url in
            let first = try await LiveServer.start(LiveServer.sharedPublicURL, databaseURL: TestPostgres.urlText(url))
            defer { first.stopInBackground() }
            let second = try await LiveServer.start(LiveServer.sharedPublicURL, databaseURL: TestPostgres.urlText(url))
            defer { second.stopInBackground() }
            #expect(try await register(first, "alice").status == 201)
            let web = "taskmanager-web"
            let redirect = "http://taskmanager.test/app/callback"
            func authorize(_ extra: String = "") -> (uri: String, verifier: String) {
                let (verifier, challenge) = AuthorizationRouterTests.pkce()
                return (AuthorizationRouterTests.authorizeURI(client: web, redirect: redirect, challenge: challenge, extra: "&scope=openid%20me" + extra), verifier)
            }
            var cookies: [String] = []
            func keep(_ reply: Reply) {
                for line in reply.headers[values: .setCookie] {
                    let pair = String(line.prefix { $0 != ";" })
                    cookies.removeAll { $0.prefix { $0 != "=" } == pair.prefix { $0 != "=" } }
                    if !line.contains("Max-Age=0") { cookies.append(pair) }
                }
            }
            let page = try await first.send(.GET, authorize().uri)
            keep(page)
            let signedIn = try await second.send(
                .POST, "/authorize",
                form: formBody([
                    ("request", try #require(AuthorizationRouterTests.formID(page))), ("username", "alice"),
                    ("password", Self.password), ("action", "allow"),
                ]), headers: [("Cookie", cookies.joined(separator: "; "))])
            #expect(signedIn.status == 303, "\(signedIn.body)")
            keep(signedIn)
            #expect(cookies.contains { $0.hasPrefix("tm_session=") })

            let (silentURI, verifier) = authorize("&prompt=none")
            let silent = try await first.send(.GET, silentURI, headers: [("Cookie", cookies.joined(separator: "; "))])
            let code = try #require(AuthorizationRouterTests.query(silent.header("Location"))["code"], "\(silent.header("Location") ?? "")")
            let tokens = try await first.send(
                .POST, "/token",
                form: formBody([
                    ("grant_type", "authorization_code"), ("code", code), ("code_verifier", verifier), ("client_id", web), ("redirect_uri", redirect),
                ]))
            let idToken = try #require(tokens.string("id_token"), "\(tokens.body)")

            let out = try await second.send(
                .GET,
                "/logout?id_token_hint=\(idToken)&post_logout_redirect_uri=\(FormFields.encode("http://taskmanager.test/app/signed-out"))",
                headers: [("Cookie", cookies.joined(separator: "; "))])
            #expect(out.status == 303 && out.header("Location") == "http://taskmanager.test/app/signed-out", "\(out.status) \(out.body)")
            let after = try await first.send(.GET, authorize("&prompt=none").uri, headers: [("Cookie", cookies.joined(separator: "; "))])
            #expect(AuthorizationRouterTests.query(after.header("Location"))["error"] == "login_required")
            // The token session lives on: a logout is not a revocation.
            let access = try #require(tokens.string("access_token"))
            #expect(try await second.send(.GET, "/me", token: access).status == 200)
        }
    }

    /// Keys and tokens across processes: a `keys rotate` on the database is signed with by both within
    /// a second, each verifies the other's tokens and publishes both keys; a revocation through one
    /// is inactive at the other's introspection at once; each speaks one issuer.
    @Test func twoProcessesShareKeysIssuerAndIntrospection() async throws {
        try await TestPostgres.withDatabase { url in
            let databaseURL = TestPostgres.urlText(url)
            let first = try await LiveServer.start(LiveServer.sharedPublicURL, databaseURL: databaseURL)
            defer { first.stopInBackground() }
            let second = try await LiveServer.start(LiveServer.sharedPublicURL, databaseURL: databaseURL)
            defer { second.stopInBackground() }
            #expect(try await register(first, "alice").status == 201)
            let before = try #require(try await login(first, "alice").string("access_token"))

            let rotated = try await Binary.run(["keys", "rotate", "--database-url", databaseURL, "--signing-alg", "EdDSA"])
            #expect(rotated.status == 0, "\(rotated.stderr)")
            try await Task.sleep(for: .milliseconds(1_100))
            let after = try #require(try await login(second, "alice").string("access_token"))
            let header = try #require(TokenServiceTests.json(after.split(separator: ".")[0]))
            #expect(header["alg"] as? String == "EdDSA" && header["kid"] as? String != KeyRotationTests.kid(before))
            for server in [first, second] {
                #expect(try await server.send(.GET, "/me", token: before).status == 200)
                #expect(try await server.send(.GET, "/me", token: after).status == 200)
                let keys = try await server.send(.GET, "/.well-known/jwks.json").json["keys"] as? [[String: Any]] ?? []
                #expect(Set(keys.compactMap { $0["kid"] as? String }) == Set([KeyRotationTests.kid(before), KeyRotationTests.kid(after)].compactMap { $0 }))
                let discovery = try await server.send(.GET, "/.well-known/openid-configuration")
                #expect(discovery.string("issuer") == LiveServer.sharedPublicURL[1])
            }

            let resource = try await OAuthClientLibraryTests.createClient(
                ["Resource", "--redirect-uri", "https://rs.example.com/cb", "--confidential"], databaseURL)
            let basic = "Basic " + Data("\(resource.id):\(resource.secret ?? "")".utf8).base64EncodedString()
            func active(_ server: LiveServer, _ token: String) async throws -> Bool? {
                try await server.send(.POST, "/token/introspect", form: formBody([("token", token)]), headers: [("Authorization", basic)])
                    .json["active"] as? Bool
            }
            #expect(try await active(second, after) == true)
            #expect(try await first.send(.POST, "/token/revoke", form: formBody([("token", after)])).status == 200)
            #expect(try await active(second, after) == false)
            #expect(try await active(second, before) == true)
        }
    }

    @Test func twoProcessesShareAccountsSessionsAndLocks() async throws {
        try await TestPostgres.withDatabase { url in
            // Both started at the same moment on an empty database: it is migrated once, one key is made.
            async let starting = LiveServer.start(LiveServer.sharedPublicURL, databaseURL: TestPostgres.urlText(url))
            async let startingToo = LiveServer.start(LiveServer.sharedPublicURL, databaseURL: TestPostgres.urlText(url))
            let (first, second) = try await (starting, startingToo)
            defer {
                first.stopInBackground()
                second.stopInBackground()
            }
            try await AppDatabase.withRunning(url, pool: TestPostgres.pool, logger: Logger(label: "test")) { database in
                let versions = try await database.read { try await $0.all("SELECT version FROM schema_migrations") { try $0.int64(0) } }
                #expect(versions.count == Migrations.all.count)
                #expect(try await SigningKeyRepository(database: database, box: SecretBox(key: nil)).all().count == 1)
            }

            // Registered and logged in on the first, used on the second.
            #expect(try await register(first, "alice").status == 201)
            let alice = try await login(first, "alice")
            let access = try #require(alice.string("access_token"))
            let created = try await second.send(.POST, "/tasks", token: access, json: #"{"title": "from the second"}"#)
            #expect(created.status == 201)
            #expect(try await first.send(.GET, "/tasks", token: access).body.contains("from the second"))

            // Revoked on the second: refused on the first within one second.
            #expect(try await second.send(.POST, "/token/revoke", form: formBody([("token", access)])).status == 200)
            let deadline = ContinuousClock.now + .seconds(1)
            var status = 0
            repeat {
                status = try await first.send(.GET, "/me", token: access).status
            } while status != 401 && ContinuousClock.now < deadline
            #expect(status == 401)

            // Locked through failures on the first: the second refuses even the right password.
            #expect(try await register(second, "carol").status == 201)
            for _ in 0..<5 { #expect(try await login(first, "carol", "wrong password").status == 400) }
            let locked = try await login(second, "carol")
            #expect(locked.status == 429)
            #expect(locked.header("Retry-After") != nil)

            // One name registered on both at once, one refresh token used on both at once: one winner each.
            async let one = register(first, "racer")
            async let other = register(second, "racer")
            let statuses = try await [one.status, other.status].sorted()
            #expect(statuses == [201, 409])
            #expect(try await register(first, "dave").status == 201)
            let refresh = try #require(try await login(first, "dave").string("refresh_token"))
            let form = formBody([("grant_type", "refresh_token"), ("refresh_token", refresh)])
            async let refreshOne = first.send(.POST, "/token", form: form)
            async let refreshOther = second.send(.POST, "/token", form: form)
            let refreshes = try await [refreshOne, refreshOther]
            #expect(refreshes.map(\.status).sorted() == [200, 400])
            #expect(refreshes.contains { $0.string("error") == "invalid_grant" })
        }
    }

    @Test func migrateRunsAheadOfARollout() async throws {
        try await TestPostgres.withDatabase { url in
            var result = try await Binary.run(["migrate", "--database-url", TestPostgres.urlText(url)])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("Applied migrations: 1, 2"), "\(result.stdout)")
            result = try await Binary.run(["migrate", "--database-url", TestPostgres.urlText(url)])
            #expect(result.stdout.contains("up to date"), "\(result.stdout)")
            let server = try await LiveServer.start(databaseURL: TestPostgres.urlText(url))
            defer { server.stopInBackground() }
            #expect(try await server.send(.GET, "/readyz").status == 200)
        }
    }

    @Test(.enabled(if: PostgresCluster.binDirectory != nil, "no PostgreSQL server programs to run a server of the test's own"))
    func anOutageIsServiceUnavailableAndTheServerRecoversWithoutARestart() async throws {
        let cluster = try await PostgresCluster.create()
        let server = try await LiveServer.start(["--database-timeout", "2"], databaseURL: cluster.url)
        defer { server.stopInBackground() }
        #expect(try await register(server, "alice").status == 201)
        let token = try #require(try await login(server, "alice").string("access_token"))
        #expect(try await server.send(.POST, "/tasks", token: token, json: #"{"title": "kept"}"#).status == 201)

        try await cluster.stop()
        // Every request that needs the database is answered 503 within the timeout, none hangs.
        for _ in 0..<3 {
            let started = ContinuousClock.now
            let reply = try await server.send(.GET, "/tasks", token: token)
            #expect(reply.status == 503)
            #expect(reply.json["detail"] as? String == "Service unavailable")
            #expect(ContinuousClock.now - started < .seconds(10))  // 2 s, plus the test process's own delays under load
        }
        #expect(try await login(server, "alice").status == 503)
        #expect(try await server.send(.GET, "/readyz").status == 503)
        #expect(try await server.send(.GET, "/healthz").status == 200)

        try await cluster.start()
        let deadline = ContinuousClock.now + .seconds(30)
        var reply = try await server.send(.GET, "/tasks", token: token)
        while reply.status != 200 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            reply = try await server.send(.GET, "/tasks", token: token)
        }
        #expect(reply.status == 200)
        #expect(reply.body.contains("kept"))
        #expect(try await server.send(.GET, "/readyz").status == 200)
        #expect(server.process.isRunning)
    }
}
