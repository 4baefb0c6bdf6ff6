import Foundation
import Testing

@testable import TaskManager

/// The second factor through the router, on both engines, with a clock the test moves: the codes
/// come from the server's own TOTP (its RFC vectors are `TOTPTests`) at that clock's time;
/// `Tests/oauth/mfa_flow.py` drives the binary with pyotp instead.
@Suite struct SecondFactorRouterTests {
    static let otpGrant = "http://auth0.com/oauth/grant-type/mfa-otp"
    static let recoveryGrant = "http://auth0.com/oauth/grant-type/mfa-recovery-code"

    struct Enrolled {
        var secret: [UInt8]
        var recoveryCodes: [String]
        var token: String
    }

    /// Registers `name`, turns the second factor on, and moves the clock past the confirming code's step.
    static func enrol(_ api: RouterClient, _ clock: ManualClock, _ name: String = "alice") async throws -> Enrolled {
        try await api.register(name)
        let token = try await api.login(name)
        let started = try await api.send(.post, "/me/mfa/totp", token: token)
        #expect(started.status == 201)
        #expect(started.header("Cache-Control") == "no-store")
        let base32 = try #require(started.string("secret"))
        let secret = try #require(Base32.decode(base32))
        #expect(secret.count == 20)
        #expect(started.string("otpauth_uri")?.hasPrefix("otpauth://totp/TaskManager:\(name)?secret=") == true)
        let confirmed = try await api.send(.post, "/me/mfa/totp/confirm", token: token, json: jsonBody(["code": code(secret, clock)]))
        #expect(confirmed.status == 200, "\(confirmed.body)")
        let codes = try #require(confirmed["recovery_codes"] as? [String])
        #expect(codes.count == 10 && Set(codes).count == 10)
        clock.advance(by: 30)
        return Enrolled(secret: secret, recoveryCodes: codes, token: token)
    }

    static func code(_ secret: [UInt8], _ clock: ManualClock, steps: Int64 = 0) -> String {
        TOTP.code(secret: secret, step: TOTP.step(at: clock.now) + steps)
    }

    /// The password grant's 403: its `mfa_token`.
    static func mfaToken(_ api: RouterClient, _ name: String = "alice", extra: [(String, String)] = []) async throws -> String {
        let reply = try await api.send(
            .post, "/token", form: formBody([("username", name), ("password", "correct horse battery")] + extra))
        #expect(reply.status == 403, "\(reply.body)")
        #expect(reply.string("error") == "mfa_required")
        #expect(reply.string("detail") == "Multifactor authentication required")
        #expect(reply.header("Cache-Control") == "no-store")
        return try #require(reply.string("mfa_token"))
    }

    static func finish(_ api: RouterClient, _ token: String, otp: String? = nil, recovery: String? = nil, extra: [(String, String)] = [])
        async throws -> Reply
    {
        var fields = [("mfa_token", token)]
        if let otp { fields += [("grant_type", otpGrant), ("otp", otp)] }
        if let recovery { fields += [("grant_type", recoveryGrant), ("recovery_code", recovery)] }
        return try await api.send(.post, "/token", form: formBody(fields + extra))
    }

    static func amr(_ accessToken: String?) -> [String]? {
        guard let payload = accessToken?.split(separator: ".").dropFirst().first,
            let data = Base64URL.decode(payload),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        return object["amr"] as? [String]
    }

    @Test func enrolConfirmAndLogInWithACodeOnceOnly() async throws {
        let clock = ManualClock()
        try await withTestApp(clock: clock) { api in
            try await api.register("bob")
            let plain = try await api.loginReply("bob")
            #expect(Self.amr(plain.string("access_token")) == ["pwd"])

            try await api.register("alice")
            let token = try await api.login("alice")
            #expect(try await api.send(.get, "/me", token: token)["mfa_enabled"] as? Bool == false)
            // Confirming before starting, and with a wrong code.
            var reply = try await api.send(.post, "/me/mfa/totp/confirm", token: token, json: #"{"code": "123456"}"#)
            #expect(reply.status == 400)
            let started = try await api.send(.post, "/me/mfa/totp", token: token)
            let base32 = try #require(started.string("secret"))
            let secret = try #require(Base32.decode(base32))
            let wrong = Self.code(secret, clock) == "000000" ? "111111" : "000000"
            reply = try await api.send(.post, "/me/mfa/totp/confirm", token: token, json: jsonBody(["code": wrong]))
            #expect(reply.status == 400)
            #expect(reply.string("detail") == "Invalid code")
            #expect(try await api.send(.get, "/me", token: token)["mfa_enabled"] as? Bool == false)
            // Not on yet: the password alone still logs in.
            #expect(try await api.loginReply("alice").status == 200)
            reply = try await api.send(.post, "/me/mfa/totp/confirm", token: token, json: jsonBody(["code": Self.code(secret, clock)]))
            #expect(reply.status == 200)
            #expect(try await api.send(.get, "/me", token: token)["mfa_enabled"] as? Bool == true)
            #expect(try await api.send(.post, "/me/mfa/totp", token: token).status == 409)
            reply = try await api.send(.post, "/me/mfa/totp/confirm", token: token, json: jsonBody(["code": Self.code(secret, clock)]))
            #expect(reply.status == 409)

            // The confirming code is used up: the same step's code cannot log in.
            var mfa = try await Self.mfaToken(api)
            reply = try await Self.finish(api, mfa, otp: Self.code(secret, clock))
            #expect(reply.status == 400)
            #expect(reply.string("error") == "invalid_grant")
            clock.advance(by: 30)
            reply = try await Self.finish(api, mfa, otp: Self.code(secret, clock))
            #expect(reply.status == 200, "\(reply.body)")
            #expect(Self.amr(reply.string("access_token")) == ["pwd", "otp"])
            // A refresh keeps how the session was signed in.
            let refreshed = try await api.refresh(try #require(reply.string("refresh_token")))
            #expect(Self.amr(refreshed.string("access_token")) == ["pwd", "otp"])
            // One success per mfa_token; the code again (a replay) with a new one fails too.
            #expect(try await Self.finish(api, mfa, otp: Self.code(secret, clock, steps: 1)).string("error") == "invalid_grant")
            mfa = try await Self.mfaToken(api)
            #expect(try await Self.finish(api, mfa, otp: Self.code(secret, clock)).string("error") == "invalid_grant")
            // A later step (within the window) works.
            #expect(try await Self.finish(api, mfa, otp: Self.code(secret, clock, steps: 1)).status == 200)
        }
    }

    @Test func theWindowIsOneStepEitherSide() async throws {
        let clock = ManualClock()
        try await withTestApp(clock: clock) { api in
            let alice = try await Self.enrol(api, clock)
            for steps: Int64 in [-2, 2] {
                let mfa = try await Self.mfaToken(api)
                let code = Self.code(alice.secret, clock, steps: steps)
                if (-1...1).allSatisfy({ Self.code(alice.secret, clock, steps: $0) != code }) {
                    #expect(try await Self.finish(api, mfa, otp: code).status == 400, "\(steps)")
                }
            }
            for steps: Int64 in [-1, 0, 1] {
                clock.advance(by: 90)  // past the last accepted step
                let mfa = try await Self.mfaToken(api)
                #expect(try await Self.finish(api, mfa, otp: Self.code(alice.secret, clock, steps: steps)).status == 200, "\(steps)")
            }
        }
    }

    @Test func aRecoveryCodeIsGoodOnce() async throws {
        let clock = ManualClock()
        try await withTestApp(clock: clock) { api in
            let alice = try await Self.enrol(api, clock)
            let code = alice.recoveryCodes[3]
            var reply = try await Self.finish(api, try await Self.mfaToken(api), recovery: code.uppercased().replacingOccurrences(of: "-", with: ""))
            #expect(reply.status == 200, "\(reply.body)")
            #expect(Self.amr(reply.string("access_token")) == ["pwd", "otp"])
            reply = try await Self.finish(api, try await Self.mfaToken(api), recovery: code)
            #expect(reply.status == 400)
            #expect(reply.string("error") == "invalid_grant")
            #expect(try await Self.finish(api, try await Self.mfaToken(api), recovery: alice.recoveryCodes[4]).status == 200)
            // Another user's codes are not alice's.
            let bob = try await Self.enrol(api, clock, "bob")
            #expect(try await Self.finish(api, try await Self.mfaToken(api), recovery: bob.recoveryCodes[0]).status == 400)
        }
    }

    @Test func theMFATokenExpiresDiesAfterFiveWrongCodesAndKeepsItsScopeAndClient() async throws {
        let clock = ManualClock()
        try await withTestApp(clock: clock) { api in
            let alice = try await Self.enrol(api, clock)
            var mfa = try await Self.mfaToken(api)
            clock.advance(by: 301)
            #expect(try await Self.finish(api, mfa, otp: Self.code(alice.secret, clock)).string("error") == "invalid_grant")

            mfa = try await Self.mfaToken(api, extra: [("scope", "me tasks:read"), ("client_id", "cli")])
            var reply = try await Self.finish(api, mfa, otp: Self.code(alice.secret, clock), extra: [("scope", "me tasks:read tasks:write"), ("client_id", "cli")])
            #expect(reply.string("error") == "invalid_scope")
            reply = try await Self.finish(api, mfa, otp: Self.code(alice.secret, clock), extra: [("client_id", "other")])
            #expect(reply.string("error") == "invalid_grant")
            reply = try await Self.finish(api, mfa, otp: Self.code(alice.secret, clock))
            #expect(reply.string("error") == "invalid_grant")
            reply = try await Self.finish(api, mfa, otp: Self.code(alice.secret, clock), extra: [("client_id", "cli")])
            #expect(reply.status == 200, "\(reply.body)")
            #expect(reply.string("scope") == "me tasks:read")

            clock.advance(by: 30)
            mfa = try await Self.mfaToken(api)
            let right = Self.code(alice.secret, clock)
            let wrong = right == "000000" ? "111111" : "000000"
            for _ in 0..<5 {
                reply = try await Self.finish(api, mfa, otp: wrong)
                #expect(reply.status == 400)
                #expect(reply.string("error") == "invalid_grant")
            }
            #expect(try await Self.finish(api, mfa, otp: right).string("error") == "invalid_grant")  // dead
            // The wrong codes counted toward the username's lock, even with the right password.
            let locked = try await api.loginReply("alice")
            #expect(locked.status == 429)
            #expect(locked.header("Retry-After") != nil)
            clock.advance(by: 61)
            mfa = try await Self.mfaToken(api)
            #expect(try await Self.finish(api, mfa, otp: Self.code(alice.secret, clock)).status == 200)
        }
    }

    @Test func turningItOffNeedsThePasswordAndACode() async throws {
        let clock = ManualClock()
        try await withTestApp(clock: clock) { api in
            let alice = try await Self.enrol(api, clock)
            let code = Self.code(alice.secret, clock)
            var reply = try await api.send(.delete, "/me/mfa", token: alice.token, json: jsonBody(["password": "wrong one", "code": code]))
            #expect(reply.status == 400)
            #expect(reply.string("detail") == "Incorrect password")
            reply = try await api.send(.delete, "/me/mfa", token: alice.token, json: jsonBody(["password": "correct horse battery", "code": "12"]))
            #expect(reply.status == 400)
            #expect(reply.string("detail") == "Invalid code")
            reply = try await api.send(.delete, "/me/mfa", token: alice.token, json: jsonBody(["password": "correct horse battery"]))
            #expect(reply.status == 422)
            reply = try await api.send(.delete, "/me/mfa", token: alice.token, json: jsonBody(["password": "correct horse battery", "code": code]))
            #expect(reply.status == 204)
            #expect(try await api.send(.get, "/me", token: alice.token)["mfa_enabled"] as? Bool == false)
            #expect(try await api.loginReply("alice").status == 200)
            reply = try await api.send(.delete, "/me/mfa", token: alice.token, json: jsonBody(["password": "correct horse battery", "code": code]))
            #expect(reply.status == 409)
            // On again, off with a recovery code.
            let again = try await api.send(.post, "/me/mfa/totp", token: alice.token)
            #expect(again.status == 201)
        }
    }

    @Test func anAdminOrTheCommandLineTurnsItOff() async throws {
        let clock = ManualClock()
        try await withSeededDatabase(admin: "root") { url in
            try await withTestApp({ $0.databaseURL = url }, clock: clock) { api in
                let admin = try await api.login("root")
                let alice = try await Self.enrol(api, clock)
                let me = try await api.send(.get, "/me", token: alice.token)
                let id = try #require(me.string("id"))
                let users = try await api.send(.get, "/admin/users", token: admin)
                #expect(users.items.first { $0["id"] as? String == id }?["mfa_enabled"] as? Bool == true)
                #expect(try await api.send(.delete, "/admin/users/\(id)/mfa", token: alice.token).status == 403)
                #expect(try await api.send(.delete, "/admin/users/\(UUID().uuidString)/mfa", token: admin).status == 404)
                #expect(try await api.send(.delete, "/admin/users/nope/mfa", token: admin).status == 404)
                #expect(try await api.send(.delete, "/admin/users/\(id)/mfa", token: admin).status == 204)
                #expect(try await api.loginReply("alice").status == 200)

                _ = try await Self.enrol(api, clock, "carol")
                _ = try await Self.mfaToken(api, "carol")
                let text: String
                if case .sqliteFile(let path) = url { text = "sqlite://" + path } else { text = TestPostgres.urlText(url) }
                let result = try await Binary.run(["user", "reset-mfa", "carol", "--database-url", text])
                #expect(result.status == 0, "\(result.stderr)")
                #expect(try await api.loginReply("carol").status == 200)
                #expect(try await Binary.run(["user", "reset-mfa", "nobody", "--database-url", text]).status != 0)
            }
        }
    }

    @Test func theSignInPageAsksForTheCodeInASecondStep() async throws {
        let clock = ManualClock()
        try await withTestApp(clock: clock) { api in
            let alice = try await Self.enrol(api, clock)
            typealias Flow = AuthorizationRouterTests
            let browser = Flow.Browser(api)
            let (verifier, challenge) = Flow.pkce()
            var page = try await browser.get(Flow.authorizeURI(client: "swagger-ui", redirect: nil, challenge: challenge))
            page = try await browser.post([
                ("request", try #require(Flow.formID(page))), ("username", "alice"), ("password", Flow.password), ("action", "allow"),
            ])
            #expect(page.status == 200)
            #expect(page.body.contains(#"name="code""#) && !page.body.contains(#"name="password""#))
            let wrong = Self.code(alice.secret, clock) == "000000" ? "111111" : "000000"
            page = try await browser.post([("request", try #require(Flow.formID(page))), ("code", wrong), ("action", "allow")])
            #expect(page.status == 200)
            #expect(page.body.contains("not right"))
            let answer = try await browser.post([
                ("request", try #require(Flow.formID(page))), ("code", Self.code(alice.secret, clock)), ("action", "allow"),
            ])
            #expect(answer.status == 303, "\(answer.body)")
            let code = try #require(Flow.query(answer.header("Location"))["code"])
            let tokens = try await api.send(
                .post, "/token",
                form: formBody([("grant_type", "authorization_code"), ("code", code), ("code_verifier", verifier), ("client_id", "swagger-ui")]))
            #expect(tokens.status == 200, "\(tokens.body)")
            #expect(Self.amr(tokens.string("access_token")) == ["pwd", "otp"])
        }
    }
}
