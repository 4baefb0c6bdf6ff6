import Foundation
import HTTPTypes
import Testing

@testable import TaskManager

/// The device flow (RFC 8628) through the router on SQLite and PostgreSQL, with a clock the tests
/// move: the codes, the `/device` page's steps, the polls' answers, and Keycloak's published bugs
/// in this grant (a token after Deny and Back, no consent without a scope, a token for a throttled
/// account, an error for a denied code presented again).
@Suite struct DeviceFlowRouterTests {
    static let password = "correct horse battery"
    static let publicURL = "https://tasks.example.com"

    /// One browser on `/device`: the sign-in page's test browser, posting there.
    final class Browser: AuthorizationRouterTests.Browser, @unchecked Sendable {
        init(_ api: RouterClient) { super.init(api, formPath: "/device") }

        func post(_ fields: [(String, String)]) async throws -> Reply { try await post(fields, cookie: nil) }

        /// Types `code` on the page: the sign-in page (or the entry page again).
        func enter(_ code: String) async throws -> Reply {
            let page = try await get("/device")
            return try await post([("entry", try #require(DeviceFlowRouterTests.hidden("entry", in: page))), ("user_code", code)])
        }

        /// Enters `code`, signs in and answers.
        func answer(_ code: String, username: String = "alice", password: String = DeviceFlowRouterTests.password, action: String = "allow")
            async throws -> Reply
        {
            let page = try await enter(code)
            return try await post([
                ("request", try #require(DeviceFlowRouterTests.hidden("request", in: page), "\(page.body)")), ("username", username),
                ("password", password), ("action", action),
            ])
        }
    }

    static func hidden(_ name: String, in page: Reply) -> String? {
        guard let range = page.body.range(of: #"name="\#(name)" value=""#) else { return nil }
        return String(page.body[range.upperBound...].prefix { $0 != "\"" })
    }

    static func start(_ api: RouterClient, client: String = OAuthClient.commandLine, scope: String? = nil) async throws -> Reply {
        var fields = [("client_id", client)]
        if let scope { fields.append(("scope", scope)) }
        return try await api.send(.post, "/device_authorization", form: formBody(fields))
    }

    static func poll(_ api: RouterClient, _ deviceCode: String, client: String = OAuthClient.commandLine) async throws -> Reply {
        try await api.send(
            .post, "/token",
            form: formBody([("grant_type", DeviceGrant.grantType), ("device_code", deviceCode), ("client_id", client)]))
    }

    func withApp(_ configure: @escaping @Sendable (inout ServerSettings) -> Void = { _ in }, _ body: @Sendable @escaping (RouterClient, ManualClock) async throws -> Void)
        async throws
    {
        let clock = ManualClock()
        try await withTestApp({ configure(&$0); $0.configuredPublicURL = Self.publicURL }, clock: clock) { api in
            try await api.register("alice")
            try await body(api, clock)
        }
    }

    @Test func aDeviceIsSignedInOnceThePersonAllows() async throws {
        try await withApp { api, clock in
            let started = try await Self.start(api)
            #expect(started.status == 200, "\(started.body)")
            #expect(started.header("Cache-Control") == "no-store")
            let deviceCode = try #require(started.string("device_code"))
            let userCode = try #require(started.string("user_code"))
            #expect(deviceCode.count >= 43)
            #expect(userCode.wholeMatch(of: /[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}/) != nil, "\(userCode)")
            #expect(started.string("verification_uri") == Self.publicURL + "/device")
            #expect(started.string("verification_uri_complete") == Self.publicURL + "/device?user_code=" + userCode)
            #expect(started["expires_in"] as? Int == 600 && started["interval"] as? Int == 5)

            var polled = try await Self.poll(api, deviceCode)
            #expect(polled.status == 400 && polled.string("error") == "authorization_pending", "\(polled.body)")

            // From verification_uri_complete: the code filled in, nothing done until the person goes on.
            let browser = Browser(api)
            let entry = try await browser.get("/device?user_code=" + userCode)
            #expect(entry.status == 200)
            #expect(entry.body.contains(#"value="\#(userCode)""#))
            #expect(entry.header("Cache-Control") == "no-store")
            #expect(entry.header("Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
            #expect(!entry.body.contains("<script"))
            // Typed in lower case with a space: the same code. No scope was asked: consent still is.
            let typed = userCode.lowercased().replacingOccurrences(of: "-", with: " ")
            let signIn = try await browser.post([("entry", try #require(Self.hidden("entry", in: entry))), ("user_code", typed)])
            #expect(signIn.status == 200)
            #expect(signIn.body.contains("TaskManager command line (tm)"))
            #expect(signIn.body.contains(Scope.tasksWrite.inWords))
            #expect(signIn.body.contains(#"action="device""#) && signIn.body.contains(#"value="deny""#))
            let done = try await browser.post([
                ("request", try #require(Self.hidden("request", in: signIn))), ("username", "alice"), ("password", Self.password),
                ("action", "allow"),
            ])
            #expect(done.status == 200)
            #expect(done.body.contains("Device signed in"))

            clock.advance(by: 5)
            polled = try await Self.poll(api, deviceCode)
            #expect(polled.status == 200, "\(polled.body)")
            #expect(polled.string("scope") == "me tasks:read tasks:write lists:share")
            let access = try #require(polled.string("access_token"))
            #expect(try await api.send(.get, "/me", token: access).string("username") == "alice")
            let sessions = try await api.send(.get, "/me/sessions", token: access).items
            #expect(sessions.first { $0["current"] as? Bool == true }?["client_id"] as? String == OAuthClient.commandLine)
            // The code is used: once.
            clock.advance(by: 5)
            polled = try await Self.poll(api, deviceCode)
            #expect(polled.status == 400 && polled.string("error") == "invalid_grant")
        }
    }

    @Test func theSessionIsRefreshedOnlyByItsClient() async throws {
        try await withApp { api, clock in
            let started = try await Self.start(api)
            let deviceCode = try #require(started.string("device_code"))
            #expect(try await Browser(api).answer(try #require(started.string("user_code"))).status == 200)
            let tokens = try await Self.poll(api, deviceCode)
            let refresh = try #require(tokens.string("refresh_token"))
            var fields = [("grant_type", "refresh_token"), ("refresh_token", refresh)]
            #expect(try await api.send(.post, "/token", form: formBody(fields)).string("error") == "invalid_grant")
            fields.append(("client_id", OAuthClient.commandLine))
            #expect(try await api.send(.post, "/token", form: formBody(fields)).status == 200)
        }
    }

    @Test func pollingTooSoonSlowsDownAndTheIntervalGrows() async throws {
        try await withApp { api, clock in
            let deviceCode = try #require(try await Self.start(api).string("device_code"))
            #expect(try await Self.poll(api, deviceCode).string("error") == "authorization_pending")
            #expect(try await Self.poll(api, deviceCode).string("error") == "slow_down")  // interval now 10
            clock.advance(by: 5)
            #expect(try await Self.poll(api, deviceCode).string("error") == "slow_down")  // 5 < 10; now 15
            clock.advance(by: 14)
            #expect(try await Self.poll(api, deviceCode).string("error") == "slow_down")  // 14 < 15; now 20
            clock.advance(by: 20)
            #expect(try await Self.poll(api, deviceCode).string("error") == "authorization_pending")
        }
    }

    /// Keycloak's bugs: a token after Deny followed by the browser's Back, and a server error when a
    /// denied code is presented again.
    @Test func aDenialStaysDenied() async throws {
        try await withApp { api, clock in
            let started = try await Self.start(api)
            let deviceCode = try #require(started.string("device_code"))
            let userCode = try #require(started.string("user_code"))
            let browser = Browser(api)
            let signIn = try await browser.enter(userCode)
            let form = try #require(Self.hidden("request", in: signIn))
            let denied = try await browser.post([("request", form), ("action", "deny")])
            #expect(denied.status == 200 && denied.body.contains("Request denied"))
            // Back, and the same page sent again with the password and Allow.
            let replayed = try await browser.post([("request", form), ("username", "alice"), ("password", Self.password), ("action", "allow")])
            #expect(replayed.status == 400)
            // The code no longer leads anywhere.
            #expect(try await browser.enter(userCode).body.contains("not right, or it has expired"))
            for _ in 0..<3 {
                clock.advance(by: 5)
                let polled = try await Self.poll(api, deviceCode)
                #expect(polled.status == 400 && polled.string("error") == "access_denied", "\(polled.body)")
            }
        }
    }

    @Test func aCodeExpires() async throws {
        try await withApp { api, clock in
            let started = try await Self.start(api)
            let deviceCode = try #require(started.string("device_code"))
            clock.advance(by: 601)
            let polled = try await Self.poll(api, deviceCode)
            #expect(polled.status == 400 && polled.string("error") == "expired_token")
            #expect(try await Browser(api).enter(try #require(started.string("user_code"))).body.contains("not right, or it has expired"))
        }
    }

    @Test func racingPollsGetOneTokenAnswer() async throws {
        try await withApp { api, clock in
            let started = try await Self.start(api)
            let deviceCode = try #require(started.string("device_code"))
            #expect(try await Browser(api).answer(try #require(started.string("user_code"))).status == 200)
            async let first = Self.poll(api, deviceCode)
            async let second = Self.poll(api, deviceCode)
            let statuses = try await [first.status, second.status].sorted()
            #expect(statuses == [200, 400])
        }
    }

    /// Keycloak's bug: a token for an account locked by throttling.
    @Test func aLockedAccountApprovesNothing() async throws {
        try await withApp { api, clock in
            for _ in 0..<5 {
                _ = try await api.send(.post, "/token", form: formBody([("username", "alice"), ("password", "wrong password")]))
            }
            let started = try await Self.start(api)
            let answered = try await Browser(api).answer(try #require(started.string("user_code")))
            #expect(answered.status == 429)
            #expect(Int(answered.header("Retry-After") ?? "") ?? 0 >= 1)
            clock.advance(by: 5)
            #expect(try await Self.poll(api, try #require(started.string("device_code"))).string("error") == "authorization_pending")
        }
    }

    /// Wrong codes are failures for the address's throttling; a locked address looks nothing up.
    @Test func wrongCodesCountForTheAddress() async throws {
        try await withApp({ $0.throttle.addressMaxFailures = 3 }) { api, clock in
            let started = try await Self.start(api)
            let browser = Browser(api)
            for wrong in ["BBBB-BBBB", "nonsense", "CCCC-CCCC"] {
                let page = try await browser.enter(wrong)
                #expect(page.status == 200 && page.body.contains("not right, or it has expired"))
            }
            let locked = try await browser.enter(try #require(started.string("user_code")))
            #expect(locked.status == 429)
            #expect(Self.hidden("request", in: locked) == nil)
            // The same counter as the password grant's.
            #expect(try await api.send(.post, "/token", form: formBody([("username", "alice"), ("password", Self.password)])).status == 429)
        }
    }

    @Test func theSecondFactorIsAsked() async throws {
        let clock = ManualClock()
        try await withTestApp({ $0.configuredPublicURL = Self.publicURL }, clock: clock) { api in
            let enrolled = try await SecondFactorRouterTests.enrol(api, clock)
            let started = try await Self.start(api)
            let browser = Browser(api)
            let codeStep = try await browser.answer(try #require(started.string("user_code")))
            #expect(codeStep.status == 200 && codeStep.body.contains(#"name="code""#))
            let done = try await browser.post([
                ("request", try #require(Self.hidden("request", in: codeStep))),
                ("code", SecondFactorRouterTests.code(enrolled.secret, clock)), ("action", "allow"),
            ])
            #expect(done.body.contains("Device signed in"), "\(done.body)")
            let tokens = try await Self.poll(api, try #require(started.string("device_code")))
            let access = try #require(tokens.string("access_token"))
            let claims = try #require(TokenServiceTests.json(access.split(separator: ".")[1]))
            #expect(claims["amr"] as? [String] == ["pwd", "otp"])
        }
    }

    @Test func onlyClientsThatMayAskGetCodes() async throws {
        try await withApp { api, clock in
            var reply = try await Self.start(api, client: "no-such-client")
            #expect(reply.status == 400 && reply.string("error") == "invalid_client")
            reply = try await Self.start(api, client: OAuthClient.swaggerUI)
            #expect(reply.status == 400 && reply.string("error") == "unauthorized_client")
            reply = try await Self.start(api, scope: "admin")
            #expect(reply.status == 400 && reply.string("error") == "invalid_scope")
            reply = try await Self.start(api, scope: "tasks:read nonsense")
            #expect(reply.string("error") == "invalid_scope")
            reply = try await api.send(.post, "/device_authorization", json: #"{"client_id": "taskmanager-cli"}"#)
            #expect(reply.status == 400 && reply.string("error") == "invalid_request")
            // A narrower scope is what the token gets.
            reply = try await Self.start(api, scope: "tasks:read")
            #expect(try await Browser(api).answer(try #require(reply.string("user_code"))).status == 200)
            let tokens = try await Self.poll(api, try #require(reply.string("device_code")))
            #expect(tokens.string("scope") == "tasks:read")
            #expect(tokens.string("id_token") == nil)
            // OpenID Connect's scopes are any client's to ask for: the device gets an ID token for its client.
            reply = try await Self.start(api, scope: "openid tasks:read")
            #expect(try await Browser(api).answer(try #require(reply.string("user_code"))).status == 200)
            let identified = try await Self.poll(api, try #require(reply.string("device_code")))
            #expect(identified.string("scope") == "tasks:read openid")
            let idToken = try #require(identified.string("id_token"))
            #expect(TokenServiceTests.json(idToken.split(separator: ".")[1])?["aud"] as? String == OAuthClient.commandLine)
            // Another client's device code is not this one's; the CLI client cannot use /authorize.
            #expect(try await Self.poll(api, "unknown-code").string("error") == "invalid_grant")
            let page = try await api.send(.get, "/authorize?response_type=code&client_id=taskmanager-cli&code_challenge=\(String(repeating: "a", count: 43))&code_challenge_method=S256")
            #expect(page.status == 400)
        }
    }

    @Test func aFormThisServerDidNotRenderIsRefused() async throws {
        try await withApp { api, clock in
            let started = try await Self.start(api)
            let browser = Browser(api)
            _ = try await browser.get("/device")
            let forged = try await browser.post([("entry", "forged"), ("user_code", try #require(started.string("user_code")))])
            #expect(forged.status == 400)
            #expect(try await api.send(.post, "/device", json: "{}").status == 400)
        }
    }

    @Test func theMetadataNamesTheDeviceEndpoint() async throws {
        try await withApp { api, _ in
            let metadata = try await api.send(.get, "/.well-known/oauth-authorization-server")
            #expect(metadata.string("device_authorization_endpoint") == Self.publicURL + "/device_authorization")
            #expect((metadata["grant_types_supported"] as? [String])?.contains(DeviceGrant.grantType) == true)
        }
    }
}
