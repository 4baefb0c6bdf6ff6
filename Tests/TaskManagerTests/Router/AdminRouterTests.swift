import Foundation
import Testing

@testable import TaskManager

@Suite struct AdminRouterTests {
    @Test func regularUsersCannotAdminister() async throws {
        try await withAdminApp { api, _ in
            try await api.register("alice")
            let alice = try await api.login("alice")
            for (method, path) in [
                (HTTPRequest.Method.get, "/admin/users"), (.patch, "/admin/users/\(UUID().uuidString)"),
                (.delete, "/admin/users/\(UUID().uuidString)"),
            ] {
                let reply = try await api.send(method, path, token: alice, json: method == .patch ? "{}" : nil)
                #expect(reply.status == 403, "\(method) \(path)")
                #expect(reply.challenge == #"Bearer error="insufficient_scope", scope="admin""#)
            }
        }
    }

    @Test func listsEveryUserOldestFirstInPages() async throws {
        try await withAdminApp { api, admin in
            for name in ["user1", "user2", "user3", "user4"] { try await api.register(name) }
            var names: [String] = []
            var cursor: String?
            repeat {
                let reply = try await api.send(.get, "/admin/users?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), token: admin)
                #expect(reply.status == 200)
                #expect(reply.header("Cache-Control") == "no-store")
                names += reply.items.compactMap { $0["username"] as? String }
                cursor = reply.json["next_cursor"] as? String
            } while cursor != nil
            #expect(names == ["root", "user1", "user2", "user3", "user4"])
            #expect(try await api.send(.get, "/admin/users?cursor=bad", token: admin).validationLocations == ["query.cursor"])
            #expect(try await api.send(.get, "/admin/users?limit=0", token: admin).status == 422)
            // Checked as every paged list checks them: both problems at once, as for /tasks.
            let both = try await api.send(.get, "/admin/users?limit=101&cursor=bad", token: admin)
            #expect(both.validationLocations == ["query.limit", "query.cursor"])
            let tasks = try await api.send(.get, "/tasks?limit=101&cursor=bad", token: admin)
            #expect(tasks.validationLocations == both.validationLocations)
        }
    }

    @Test func disablingEndsTheSessionsAndEnablingLetsBackIn() async throws {
        try await withAdminApp { api, admin in
            let id = try await api.register("alice")
            let alice = try await api.loginReply("alice")
            var reply = try await api.send(.patch, "/admin/users/\(id)", token: admin, json: #"{"is_active": false}"#)
            #expect(reply.status == 200)
            #expect(reply["is_active"] as? Bool == false)
            let refused = try await api.send(.get, "/me", token: alice.string("access_token"))
            #expect(refused.status == 401)
            #expect(try await api.refresh(alice.string("refresh_token")!).status == 400)
            reply = try await api.loginReply("alice")
            #expect(reply.string("detail") == "Inactive user")
            reply = try await api.send(.patch, "/admin/users/\(id)", token: admin, json: #"{"is_active": true, "is_admin": true}"#)
            #expect(reply["is_admin"] as? Bool == true)
            let promoted = try await api.loginReply("alice")
            #expect(promoted.string("scope") == "me tasks:read tasks:write lists:share admin")
        }
    }

    @Test func theLastActiveAdminStays() async throws {
        try await withAdminApp { api, admin in
            let rootID = try #require(try await api.send(.get, "/me", token: admin).string("id"))
            for body in [#"{"is_active": false}"#, #"{"is_admin": false}"#] {
                let reply = try await api.send(.patch, "/admin/users/\(rootID)", token: admin, json: body)
                #expect(reply.status == 409)
                #expect(reply.body == #"{"detail":"Cannot remove the last active admin"}"#)
            }
            #expect(try await api.send(.delete, "/admin/users/\(rootID)", token: admin).status == 409)
            #expect(try await api.send(.delete, "/me", token: admin).status == 409)
            // With a second admin, the first may go.
            let otherID = try await api.register("second")
            _ = try await api.send(.patch, "/admin/users/\(otherID)", token: admin, json: #"{"is_admin": true}"#)
            #expect(try await api.send(.patch, "/admin/users/\(rootID)", token: admin, json: #"{"is_admin": false}"#).status == 200)
            // The demoted admin's token no longer carries admin rights.
            #expect(try await api.send(.get, "/admin/users", token: admin).status == 403)
        }
    }

    @Test func deletingAUserEndsItsTokensAndTasks() async throws {
        try await withAdminApp { api, admin in
            let id = try await api.register("alice")
            let alice = try await api.login("alice")
            _ = try await api.createTask(alice, ["title": "x"])
            #expect(try await api.send(.delete, "/admin/users/\(id)", token: admin).status == 204)
            #expect(try await api.send(.get, "/me", token: alice).status == 401)
            for path in ["/admin/users/\(id)", "/admin/users/not-an-id"] {
                let reply = try await api.send(.delete, path, token: admin)
                #expect(reply.status == 404)
                #expect(reply.body == #"{"detail":"User not found"}"#)
            }
        }
    }

    @Test func updatesValidate() async throws {
        try await withAdminApp { api, admin in
            let id = try await api.register("alice")
            for (body, location) in [
                (#"{"is_active": null}"#, "body.is_active"), (#"{"is_admin": "yes"}"#, "body.is_admin"),
                (#"{"username": "x"}"#, "body.username"),
            ] {
                let reply = try await api.send(.patch, "/admin/users/\(id)", token: admin, json: body)
                #expect(reply.status == 422, "\(body)")
                #expect(reply.validationLocations == [location], "\(body)")
            }
            #expect(try await api.send(.patch, "/admin/users/\(UUID().uuidString)", token: admin, json: "{}").status == 404)
        }
    }
}

import HTTPTypes
