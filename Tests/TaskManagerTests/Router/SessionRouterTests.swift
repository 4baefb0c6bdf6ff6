import Foundation
import HTTPTypes
import Testing

@testable import TaskManager

@Suite struct SessionRouterTests {
    @Test func listsLiveSessionsAndMarksTheCurrentOne() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            try await api.register("bob")
            let laptop = try await api.send(
                .post, "/token", form: formBody([("username", "alice"), ("password", "correct horse battery")]),
                headers: [.userAgent: "Laptop/1.0"])
            let phone = try await api.login("alice")
            _ = try await api.login("bob")
            let reply = try await api.send(.get, "/me/sessions", token: phone)
            #expect(reply.status == 200)
            #expect(reply.header("Cache-Control") == "no-store")
            let items = reply.items
            #expect(items.count == 2)
            #expect(items.filter { $0["current"] as? Bool == true }.count == 1)
            #expect(items.contains { $0["user_agent"] as? String == "Laptop/1.0" })
            #expect(
                Set(items.first!.keys) == ["id", "kind", "created_at", "last_used_at", "user_agent", "current", "client_id", "client_name", "resource"])
            #expect(items.allSatisfy { $0["resource"] as? String == "api" && $0["client_name"] is NSNull })
            #expect(items.allSatisfy { $0["kind"] as? String == "token" })
            let laptopSID = TokenServiceTests.json(laptop.string("access_token")!.split(separator: ".")[1])?["sid"] as? String
            #expect(items.contains { $0["id"] as? String == laptopSID && $0["current"] as? Bool == false })
        }
    }

    @Test func endingOneSessionOrAllOthers() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            try await api.register("bob")
            let first = try await api.login("alice")
            let second = try await api.login("alice")
            let third = try await api.login("alice")
            let bob = try await api.login("bob")
            let sid = { (token: String) in TokenServiceTests.json(token.split(separator: ".")[1])!["sid"] as! String }
            // Bob cannot end Alice's session; unknown and malformed ids are 404.
            for id in [sid(first), UUID().uuidString, "nope"] {
                let reply = try await api.send(.delete, "/me/sessions/\(id)", token: bob)
                #expect(reply.status == 404)
                #expect(reply.json["detail"] as? String == "Session not found")
            }
            #expect(try await api.send(.delete, "/me/sessions/\(sid(first))", token: third).status == 204)
            #expect(try await api.send(.get, "/me", token: first).status == 401)
            #expect(try await api.send(.delete, "/me/sessions/\(sid(first))", token: third).status == 404)
            #expect(try await api.send(.delete, "/me/sessions", token: third).status == 204)
            #expect(try await api.send(.get, "/me", token: second).status == 401)
            #expect(try await api.send(.get, "/me", token: third).status == 200)
            #expect(try await api.send(.get, "/me", token: bob).status == 200)
            #expect(try await api.send(.get, "/me/sessions", token: third).items.count == 1)
            // Ending the current session logs this token out.
            #expect(try await api.send(.delete, "/me/sessions/\(sid(third))", token: third).status == 204)
            #expect(try await api.send(.get, "/me", token: third).status == 401)
        }
    }

    @Test func lastUsedIsWrittenAtMostOnceAMinute() async throws {
        let clock = ManualClock()
        try await withTestApp({ _ in }, clock: clock) { api in
            try await api.register("alice")
            let token = try await api.login("alice")
            func lastUsed() async throws -> String? {
                try await api.send(.get, "/me/sessions", token: token).items.first?["last_used_at"] as? String
            }
            let start = try await lastUsed()
            clock.advance(by: 30)
            _ = try await api.send(.get, "/me", token: token)
            #expect(try await lastUsed() == start)
            clock.advance(by: 31)
            _ = try await api.send(.get, "/me", token: token)
            #expect(try await lastUsed() != start)
        }
    }

    @Test func changingThePasswordEndsTheOtherSessions() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let other = try await api.login("alice")
            let current = try await api.loginReply("alice")
            let token = try #require(current.string("access_token"))
            var reply = try await api.send(
                .post, "/me/password", token: token,
                json: jsonBody(["current_password": "wrong password", "new_password": "a brand new password"]))
            #expect(reply.status == 400)
            #expect(reply.body == #"{"detail":"Incorrect password"}"#)
            reply = try await api.send(
                .post, "/me/password", token: token,
                json: jsonBody(["current_password": "correct horse battery", "new_password": "short"]))
            #expect(reply.status == 422)
            #expect(reply.validationLocations == ["body.new_password"])
            reply = try await api.send(.post, "/me/password", token: token, json: #"{"current_password": "x"}"#)
            #expect(reply.status == 422)
            reply = try await api.send(
                .post, "/me/password", token: token,
                json: jsonBody(["current_password": "correct horse battery", "new_password": "a brand new password"]))
            #expect(reply.status == 204)
            #expect(try await api.send(.get, "/me", token: other).status == 401)
            #expect(try await api.send(.get, "/me", token: token).status == 200)
            #expect(try await api.refresh(current.string("refresh_token")!).status == 200)  // the current session goes on
            #expect(try await api.loginReply("alice").status == 400)
            #expect(try await api.loginReply("alice", password: "a brand new password").status == 200)
        }
    }

    @Test func deletingTheAccountRemovesEverythingAtOnce() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            try await api.register("bob")
            let alice = try await api.login("alice")
            let bob = try await api.login("bob")
            _ = try await api.createTask(alice, ["title": "alice's"])
            let bobTask = try #require(try await api.createTask(bob, ["title": "bob's"]).string("id"))
            #expect(try await api.send(.delete, "/me", token: alice).status == 204)
            #expect(try await api.send(.get, "/me", token: alice).status == 401)
            #expect(try await api.loginReply("alice").status == 400)
            #expect(try await api.send(.get, "/tasks/\(bobTask)", token: bob).status == 200)
            // The name is free again, and the new Alice sees nothing of the old one.
            try await api.register("alice")
            let newAlice = try await api.login("alice")
            #expect(try await api.send(.get, "/tasks", token: newAlice).items.isEmpty)
        }
    }
}
