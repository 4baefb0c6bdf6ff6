import Foundation
import Testing

@testable import TaskManager

@Suite struct AccountRouterTests {
    @Test func registersAndNeverReturnsTheHash() async throws {
        try await withTestApp { api in
            let reply = try await api.send(
                .post, "/users",
                json: jsonBody(["username": "Alice", "password": "correct horse battery", "email": "a@example.com", "full_name": "Alice L"]))
            #expect(reply.status == 201)
            #expect(reply.header("Cache-Control") == "no-store")
            #expect(reply.header("X-Content-Type-Options") == "nosniff")
            #expect(Set(reply.json.keys) == ["id", "username", "email", "full_name", "is_active", "is_admin", "mfa_enabled", "created_at"])
            #expect(reply.string("username") == "Alice")
            #expect(reply["is_active"] as? Bool == true)
            #expect(reply["is_admin"] as? Bool == false)
            #expect(UUID(uuidString: reply.string("id") ?? "") != nil)
            #expect(!reply.body.contains("$2"))
            #expect(!reply.body.contains("correct horse"))
        }
    }

    @Test func absentOptionalFieldsAreNull() async throws {
        try await withTestApp { api in
            let reply = try await api.send(.post, "/users", json: #"{"username":"bob","password":"correct horse battery"}"#)
            #expect(reply.status == 201)
            #expect(reply.body.contains(#""email":null"#))
            #expect(reply.body.contains(#""full_name":null"#))
        }
    }

    @Test func usernamesAreUniqueCaseInsensitively() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let reply = try await api.send(.post, "/users", json: jsonBody(["username": "ALICE", "password": "another password"]))
            #expect(reply.status == 409)
            #expect(reply.json["detail"] as? String == "Username already registered")
        }
    }

    @Test(arguments: [
        ("ab", "username"), (String(repeating: "a", count: 65), "username"), ("al ice", "username"), ("älice", "username"),
        ("alice!", "username"),
    ])
    func refusesBadUsernames(_ username: String, _ field: String) async throws {
        try await withTestApp { api in
            let reply = try await api.send(.post, "/users", json: jsonBody(["username": username, "password": "correct horse battery"]))
            #expect(reply.status == 422)
            #expect(reply.validationLocations == ["body.\(field)"])
        }
    }

    @Test func acceptsEveryAllowedUsernameCharacter() async throws {
        try await withTestApp { api in
            try await api.register("A.b_c-9")
            try await api.register(String(repeating: "z", count: 64))
            try await api.register("abc")
        }
    }

    @Test func enforcesPasswordLengthAfterNFKC() async throws {
        try await withTestApp { api in
            for (password, status) in [
                ("short", 422), ("1234567", 422), ("12345678", 201), (String(repeating: "p", count: 129), 422),
                (String(repeating: "a\u{0308}", count: 8), 201),  // 16 code points, 8 after NFKC
            ] {
                let reply = try await api.send(
                    .post, "/users", json: jsonBody(["username": "u\(UUID().uuidString.prefix(8))", "password": password]))
                #expect(reply.status == status, "\(password.unicodeScalars.count) code points: \(reply.body)")
                if status == 422 { #expect(reply.validationLocations == ["body.password"]) }
            }
        }
    }

    @Test func validatesEmailAndFullName() async throws {
        try await withTestApp { api in
            var reply = try await api.send(
                .post, "/users", json: jsonBody(["username": "erin", "password": "correct horse battery", "email": "not-an-email"]))
            #expect(reply.status == 422)
            #expect(reply.validationLocations == ["body.email"])
            reply = try await api.send(
                .post, "/users",
                json: jsonBody(["username": "erin", "password": "correct horse battery", "full_name": String(repeating: "n", count: 201)]))
            #expect(reply.validationLocations == ["body.full_name"])
        }
    }

    @Test func refusesUnknownFieldsWrongTypesAndBrokenJSON() async throws {
        try await withTestApp { api in
            var reply = try await api.send(
                .post, "/users", json: jsonBody(["username": "eve", "password": "correct horse battery", "is_admin": true]))
            #expect(reply.status == 422)
            #expect(reply.validationLocations == ["body.is_admin"])
            reply = try await api.send(.post, "/users", json: #"{"username": 5, "password": "correct horse battery"}"#)
            #expect(reply.status == 422)
            #expect(reply.validationLocations == ["body.username"])
            reply = try await api.send(.post, "/users", json: #"{"username": "eve""#)
            #expect(reply.status == 422)
            #expect(reply.validationLocations == ["body"])
            reply = try await api.send(.post, "/users", json: #"{"password": "correct horse battery"}"#)
            #expect(reply.status == 422)
            #expect(reply.validationLocations == ["body.username"])
            reply = try await api.send(.post, "/users", json: #"{"username": null, "password": "correct horse battery"}"#)
            #expect(reply.status == 422)
        }
    }

    /// Every problem of a body at once, as FastAPI lists them: schema order, then unknown fields.
    @Test func listsEveryProblemOfTheBody() async throws {
        try await withTestApp { api in
            var reply = try await api.send(.post, "/users", json: "{}")
            #expect(reply.status == 422)
            #expect(reply.validationLocations == ["body.username", "body.password"], "\(reply.body)")
            #expect((reply.json["detail"] as? [[String: Any]])?.map { $0["type"] as? String } == ["missing", "missing"])
            reply = try await api.send(.post, "/users", json: #"{"username": 5, "email": false, "zeta": 1, "alpha": 2}"#)
            #expect(reply.validationLocations == ["body.username", "body.password", "body.email", "body.alpha", "body.zeta"], "\(reply.body)")
            try await api.register("alice")
            let token = try await api.login("alice")
            reply = try await api.send(.post, "/tasks", token: token, json: #"{"title": 1, "done": "yes", "priority": "urgent", "due_date": 3}"#)
            #expect(reply.validationLocations == ["body.title", "body.done", "body.priority", "body.due_date"], "\(reply.body)")
            reply = try await api.send(.patch, "/me", token: token, json: #"{"email": 1, "full_name": []}"#)
            #expect(reply.validationLocations == ["body.email", "body.full_name"], "\(reply.body)")
            // Broken JSON is one problem.
            reply = try await api.send(.post, "/users", json: #"{"username": "#)
            #expect(reply.validationLocations == ["body"])
        }
    }

    @Test func refusesOtherContentTypes() async throws {
        try await withTestApp { api in
            let reply = try await api.send(
                .post, "/users", json: jsonBody(["username": "eve", "password": "correct horse battery"]),
                headers: [.contentType: "text/plain"])
            #expect(reply.status == 415)
            #expect(reply.json["detail"] is String)
        }
    }

    @Test func closedRegistrationNeedsAnAdminToken() async throws {
        try await withTestApp({ $0.openRegistration = false }) { api in
            let body = jsonBody(["username": "newcomer", "password": "correct horse battery"])
            var reply = try await api.send(.post, "/users", json: body)
            #expect(reply.status == 401)
            #expect(reply.challenge == "Bearer")
            // A token that does not verify is refused as such, not taken for no token.
            reply = try await api.send(.post, "/users", token: "not.a.token", json: body)
            #expect(reply.status == 401)
            #expect(reply.challenge == #"Bearer error="invalid_token""#)
        }
        // Open registration: the header is not needed, and a bad one does not stop it.
        try await withTestApp { api in
            let body = jsonBody(["username": "newcomer", "password": "correct horse battery"])
            let reply = try await api.send(.post, "/users", token: "not.a.token", json: body)
            #expect(reply.status == 201)
        }
        try await withSeededDatabase(admin: "root") { url in
            try await withTestApp({ $0.databaseURL = url }) { api in
                try await api.register("plain")  // registration is open in this app
            }
            try await withTestApp({
                $0.databaseURL = url
                $0.openRegistration = false
            }) { api in
                let body = jsonBody(["username": "newcomer", "password": "correct horse battery"])
                let plain = try await api.login("plain")
                var reply = try await api.send(.post, "/users", token: plain, json: body)
                #expect(reply.status == 403)
                #expect(reply.challenge == #"Bearer error="insufficient_scope", scope="admin""#)
                let admin = try await api.login("root")
                reply = try await api.send(.post, "/users", token: admin, json: body)
                #expect(reply.status == 201)
            }
        }
    }
}
