import Foundation
import Logging
import Testing

@testable import TaskManager

@Suite struct RefreshAndRevocationRouterTests {
    @Test func aLoginReturnsAnOpaqueRefreshTokenThatRotates() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let login = try await api.loginReply("alice")
            let first = try #require(login.string("refresh_token"))
            #expect(first.count >= 43)  // 256 bits of base64url
            #expect(first.split(separator: ".").count == 1)  // not a JWT
            let refreshed = try await api.refresh(first)
            #expect(refreshed.status == 200)
            #expect(refreshed.header("Cache-Control") == "no-store")
            let second = try #require(refreshed.string("refresh_token"))
            #expect(second != first)
            let access = try #require(refreshed.string("access_token"))
            #expect(try await api.send(.get, "/me", token: access).status == 200)
            // The session is the same one.
            let sid = { (token: String?) in TokenServiceTests.json((token ?? "").split(separator: ".")[1])?["sid"] as? String }
            #expect(sid(access) == sid(login.string("access_token")))
            #expect(try await api.refresh(second).status == 200)
        }
    }

    @Test func reusingARotatedRefreshTokenEndsTheWholeSession() async throws {
        try await withTestApp { api in
            try await api.register("victim")
            let login = try await api.loginReply("victim")
            let stolen = try #require(login.string("refresh_token"))
            // The victim refreshes first; the attacker replays the stolen (now used) token.
            let victim = try await api.refresh(stolen)
            let victimRefresh = try #require(victim.string("refresh_token"))
            let victimAccess = try #require(victim.string("access_token"))
            let replay = try await api.refresh(stolen)
            #expect(replay.status == 400)
            #expect(replay.string("error") == "invalid_grant")
            // Both copies are dead now, and so are the session's access tokens.
            #expect(try await api.refresh(victimRefresh).string("error") == "invalid_grant")
            #expect(try await api.send(.get, "/me", token: victimAccess).status == 401)
            #expect(try await api.send(.get, "/me", token: login.string("access_token")).status == 401)
            // Other sessions of the user are untouched.
            #expect(try await api.send(.get, "/me", token: try await api.login("victim")).status == 200)
        }
    }

    @Test func aRefreshMayNarrowTheScopeForThatTokenOnly() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let login = try await api.loginReply("alice", scope: "me tasks:read")
            var refresh = try #require(login.string("refresh_token"))
            var reply = try await api.refresh(refresh, scope: "tasks:read")
            #expect(reply.string("scope") == "tasks:read")
            #expect(try await api.send(.get, "/me", token: reply.string("access_token")).status == 403)
            refresh = try #require(reply.string("refresh_token"))
            reply = try await api.refresh(refresh)
            #expect(reply.string("scope") == "me tasks:read")  // the session kept its scope
            refresh = try #require(reply.string("refresh_token"))
            reply = try await api.refresh(refresh, scope: "tasks:write")
            #expect(reply.status == 400)
            #expect(reply.string("error") == "invalid_scope")
            reply = try await api.refresh(refresh, scope: "bogus")
            #expect(reply.string("error") == "invalid_scope")
        }
    }

    @Test func refreshErrors() async throws {
        try await withTestApp { api in
            var reply = try await api.send(.post, "/token", form: "grant_type=refresh_token")
            #expect(reply.string("error") == "invalid_request")
            reply = try await api.refresh("not-a-refresh-token")
            #expect(reply.status == 400)
            #expect(reply.string("error") == "invalid_grant")
        }
    }

    @Test func refreshTokensAreStoredOnlyAsHashes() async throws {
        try await withSeededDatabase { url in
            let box = TokenBox()
            try await withTestApp({ $0.databaseURL = url }) { api in
                try await api.register("alice")
                await box.set(try #require(try await api.loginReply("alice").string("refresh_token")))
            }
            let token = await box.token
            let stored = try await AppDatabase.withRunning(url, logger: Logger(label: "test")) { db in
                try await db.read { sql in try await sql.all("SELECT token_hash FROM refresh_tokens") { try $0.string(0) } }
            }
            #expect(stored == [OpaqueToken.hash(token)])
            #expect(!stored.contains(token))
        }
    }

    @Test func sessionsAndAccessTokensExpireOnTheClock() async throws {
        let clock = ManualClock()
        try await withTestApp({ $0.refreshTokenTTL = 3600 }, clock: clock) { api in
            try await api.register("alice")
            let login = try await api.loginReply("alice")
            let access = try #require(login.string("access_token"))
            clock.advance(by: 899)
            #expect(try await api.send(.get, "/me", token: access).status == 200)
            clock.advance(by: 2)
            let expired = try await api.send(.get, "/me", token: access)
            #expect(expired.status == 401)
            #expect(expired.challenge == #"Bearer error="invalid_token""#)
            let refreshed = try await api.refresh(try #require(login.string("refresh_token")))
            #expect(refreshed.status == 200)
            clock.advance(by: 3600)
            #expect(try await api.refresh(try #require(refreshed.string("refresh_token"))).string("error") == "invalid_grant")
        }
    }

    @Test func revocationEndsTheSessionOfEitherKindOfToken() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            // Revoking the refresh token.
            var login = try await api.loginReply("alice")
            var reply = try await api.send(
                .post, "/token/revoke", form: formBody([("token", login.string("refresh_token")!), ("token_type_hint", "refresh_token")]))
            #expect(reply.status == 200)
            #expect(reply.body.isEmpty)
            #expect(reply.header("Cache-Control") == "no-store")
            #expect(try await api.send(.get, "/me", token: login.string("access_token")).status == 401)
            #expect(try await api.refresh(login.string("refresh_token")!).string("error") == "invalid_grant")
            // Revoking the access token, with Basic client credentials that are ignored.
            login = try await api.loginReply("alice")
            reply = try await api.send(
                .post, "/token/revoke", form: formBody([("token", login.string("access_token")!)]),
                headers: [.authorization: "Basic " + Data("client:secret".utf8).base64EncodedString()])
            #expect(reply.status == 200)
            #expect(try await api.send(.get, "/me", token: login.string("access_token")).status == 401)
            #expect(try await api.refresh(login.string("refresh_token")!).string("error") == "invalid_grant")
            // Unknown tokens are fine; a missing one or JSON is not.
            #expect(try await api.send(.post, "/token/revoke", form: "token=whatever").status == 200)
            reply = try await api.send(.post, "/token/revoke", form: "token_type_hint=access_token")
            #expect(reply.status == 400)
            #expect(reply.string("error") == "invalid_request")
            reply = try await api.send(.post, "/token/revoke", json: #"{"token": "x"}"#)
            #expect(reply.status == 400)
            #expect(reply.string("error") == "invalid_request")
        }
    }
}
