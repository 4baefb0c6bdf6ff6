import Foundation
import Testing

@testable import TaskManager

@Suite struct MeRouterTests {
    @Test func readsOnlyYourOwnProfile() async throws {
        try await withTestApp { api in
            let aliceID = try await api.register("alice", email: "alice@example.com")
            let bobID = try await api.register("bob")
            let alice = try await api.send(.get, "/me", token: try await api.login("alice"))
            let bob = try await api.send(.get, "/me", token: try await api.login("bob"))
            #expect(alice.status == 200)
            #expect(alice.string("id") == aliceID)
            #expect(alice.string("email") == "alice@example.com")
            #expect(alice.header("Cache-Control") == "no-store")
            #expect(bob.string("id") == bobID)
            #expect(bob.body.contains(#""email":null"#))
        }
    }

    @Test func patchSetsClearsAndLeavesFields() async throws {
        try await withTestApp { api in
            try await api.register("alice", email: "alice@example.com")
            let token = try await api.login("alice")
            var reply = try await api.send(.patch, "/me", token: token, json: #"{"full_name": "Alice Liddell"}"#)
            #expect(reply.status == 200)
            #expect(reply.header("Cache-Control") == "no-store")
            #expect(reply.string("full_name") == "Alice Liddell")
            #expect(reply.string("email") == "alice@example.com")  // absent: unchanged
            reply = try await api.send(.patch, "/me", token: token, json: #"{"email": null}"#)
            #expect(reply.status == 200)
            #expect(reply.body.contains(#""email":null"#))
            #expect(reply.string("full_name") == "Alice Liddell")
            reply = try await api.send(.patch, "/me", token: token, json: "{}")
            #expect(reply.status == 200)
            #expect(try await api.send(.get, "/me", token: token).string("full_name") == "Alice Liddell")
        }
    }

    @Test func patchValidates() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let token = try await api.login("alice")
            for (body, location) in [
                (#"{"email": "nope"}"#, "body.email"),
                (#"{"full_name": 5}"#, "body.full_name"),
                (#"{"username": "mallory"}"#, "body.username"),
                (#"{"is_admin": true}"#, "body.is_admin"),
                ("[]", "body"),
                (#"{"full_name": "Al\u0000ice"}"#, "body.full_name"),
                (#"{"email": "a\u0000@example.com"}"#, "body.email"),
            ] {
                let reply = try await api.send(.patch, "/me", token: token, json: body)
                #expect(reply.status == 422, "\(body)")
                #expect(reply.validationLocations == [location], "\(body): \(reply.body)")
            }
            #expect(try await api.send(.get, "/me", token: token).string("username") == "alice")
        }
    }
}
