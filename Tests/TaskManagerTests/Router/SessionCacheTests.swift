import Foundation
import Testing

@testable import TaskManager

@Suite struct SessionCacheTests {
    let user = makeUser("alice")
    var session: LoginSession {
        let now = Microseconds.now()
        return LoginSession(
            id: UUID().uuidString.lowercased(), userID: user.id, scopes: [.me], createdAt: now, lastUsedAt: now,
            expiresAt: now.addingTimeInterval(60), userAgent: nil, revokedAt: nil)
    }

    @Test func anEntryServesForLessThanASecondFromItsRead() {
        let cache = SessionCache()
        let readAt = ContinuousClock.now
        let session = self.session
        cache.store(.init(session: session, user: user, homeListID: "home", readAt: readAt), ifGeneration: cache.generation)
        #expect(cache.lookup(session.id, now: readAt)?.session == session)
        #expect(cache.lookup(session.id, now: readAt + .milliseconds(899))?.user == user)
        #expect(SessionCache.maxAge < .seconds(1))
        #expect(cache.lookup(session.id, now: readAt + SessionCache.maxAge) == nil)
        // Gone for good once too old, not only hidden.
        #expect(cache.lookup(session.id, now: readAt) == nil)
    }

    @Test func aReadThatRacedAnEvictionIsNotStored() {
        let cache = SessionCache()
        let session = self.session
        let before = cache.generation
        cache.evict(sessionID: "some other session")
        cache.store(.init(session: session, user: user, homeListID: "home", readAt: .now), ifGeneration: before)
        #expect(cache.lookup(session.id) == nil)
        cache.store(.init(session: session, user: user, homeListID: "home", readAt: .now), ifGeneration: cache.generation)
        #expect(cache.lookup(session.id) != nil)
    }

    @Test func evictingAUserDropsEveryOneOfItsSessions() {
        let cache = SessionCache()
        let other = makeUser("bob")
        let (first, second) = (session, session)
        var third = session
        third.userID = other.id
        for (session, owner) in [(first, user), (second, user), (third, other)] {
            cache.store(.init(session: session, user: owner, homeListID: "home", readAt: .now), ifGeneration: cache.generation)
        }
        cache.evict(userID: user.id)
        #expect(cache.lookup(first.id) == nil)
        #expect(cache.lookup(second.id) == nil)
        #expect(cache.lookup(third.id)?.user == other)
        cache.evict(sessionID: third.id)
        #expect(cache.lookup(third.id) == nil)
    }

    /// Through the app: each of this process's changes is seen by the very next request, though the
    /// token's lookup was cached a moment before.
    @Test func thisProcesssChangesCountFromTheNextRequest() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let (token, other) = (try await api.login("alice"), try await api.login("alice"))
            for token in [token, other] { #expect(try await api.send(.get, "/me", token: token).status == 200) }
            let patched = try await api.send(.patch, "/me", token: token, json: #"{"email": "alice@example.com"}"#)
            #expect(patched.status == 200)
            #expect(try await api.send(.get, "/me", token: other).string("email") == "alice@example.com")
            #expect(try await api.send(.delete, "/me/sessions", token: token).status == 204)
            #expect(try await api.send(.get, "/me", token: other).status == 401)
            #expect(try await api.send(.post, "/token/revoke", form: "token=\(token)").status == 200)
            #expect(try await api.send(.get, "/me", token: token).status == 401)
        }
    }
}
