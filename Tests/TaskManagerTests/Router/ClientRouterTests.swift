import Foundation
import HTTPTypes
import Testing

@testable import TaskManager

/// `POST/GET /admin/clients` and `DELETE /admin/clients/{client_id}` as an admin's script calls them.
@Suite struct ClientRouterTests {
    @Test func anAdminRegistersListsAndDeletesClients() async throws {
        try await withAdminApp { api, admin in
            let made = try await api.send(
                .post, "/admin/clients", token: admin,
                json: #"{"client_name": "Planner", "redirect_uris": ["https://planner.example.com/cb", "http://127.0.0.1/cb"]}"#)
            #expect(made.status == 201, "\(made.body)")
            #expect(made.header("Cache-Control") == "no-store")
            #expect(made["client_secret"] == nil)
            #expect(made["confidential"] as? Bool == false)
            #expect(made["scopes"] as? [String] == ["me", "tasks:read", "tasks:write", "lists:share"])
            #expect(made["redirect_uris"] as? [String] == ["https://planner.example.com/cb", "http://127.0.0.1/cb"])
            let publicID = try #require(made.string("client_id"))

            let confidential = try await api.send(
                .post, "/admin/clients", token: admin,
                json: #"{"client_name": "Sync", "redirect_uris": ["https://sync.example.com/cb"], "confidential": true, "scopes": ["tasks:read"]}"#)
            #expect(confidential.status == 201)
            let secret = try #require(confidential.string("client_secret"))
            #expect(secret.count == 43)
            #expect(confidential["scopes"] as? [String] == ["tasks:read"])

            let list = try await api.send(.get, "/admin/clients", token: admin)
            #expect(list.status == 200)
            #expect(list.items.compactMap { $0["client_id"] as? String } == [publicID, try #require(confidential.string("client_id"))])
            #expect(!list.body.contains(secret))
            #expect(!list.body.contains("client_secret"))

            #expect(try await api.send(.delete, "/admin/clients/\(publicID)", token: admin).status == 204)
            let again = try await api.send(.delete, "/admin/clients/\(publicID)", token: admin)
            #expect(again.status == 404)
            #expect(again.string("detail") == "Client not found")
            #expect(try await api.send(.delete, "/admin/clients/not-a-client", token: admin).status == 404)
            let builtIn = try await api.send(.delete, "/admin/clients/swagger-ui", token: admin)
            #expect(builtIn.status == 409)
            #expect(builtIn.string("detail") == "A built-in client cannot be deleted")
            #expect(try await api.send(.get, "/admin/clients", token: admin).items.count == 1)
        }
    }

    @Test func badRegistrationsNameEveryProblem() async throws {
        try await withAdminApp { api, admin in
            var reply = try await api.send(
                .post, "/admin/clients", token: admin,
                json: #"{"client_name": "", "redirect_uris": ["http://evil.example.com/cb#x"]}"#)
            #expect(reply.status == 422)
            #expect(reply.validationLocations == ["body.client_name", "body.redirect_uris"])
            reply = try await api.send(.post, "/admin/clients", token: admin, json: "{}")
            #expect(reply.status == 422)
            #expect(Set(reply.validationLocations) == ["body.client_name", "body.redirect_uris"])
            reply = try await api.send(
                .post, "/admin/clients", token: admin, json: #"{"client_name": "A", "redirect_uris": ["https://a.example/cb"], "scopes": ["root"]}"#)
            #expect(reply.status == 422)
            reply = try await api.send(
                .post, "/admin/clients", token: admin, json: #"{"client_name": "A", "redirect_uris": ["https://a.example/cb"], "extra": 1}"#)
            #expect(reply.status == 422)
            reply = try await api.send(
                .post, "/admin/clients", token: admin, json: #"{"client_name": "A\u0000", "redirect_uris": ["https://a.example/\u0000"]}"#)
            #expect(reply.status == 422)
            #expect(reply.validationLocations == ["body.client_name", "body.redirect_uris"])
            reply = try await api.send(
                .post, "/admin/clients", token: admin, json: #"{"client_name": "A", "redirect_uris": ["https://a.example/cb"], "confidential": null}"#)
            #expect(reply.status == 422)
            #expect(try await api.send(.get, "/admin/clients", token: admin).items.isEmpty)
        }
    }

    @Test func onlyAdminsManageClients() async throws {
        try await withAdminApp { api, _ in
            try await api.register("alice")
            let alice = try await api.login("alice")
            for (method, path) in [
                (HTTPRequest.Method.get, "/admin/clients"), (.post, "/admin/clients"), (.delete, "/admin/clients/\(UUID().uuidString)"),
            ] {
                let reply = try await api.send(method, path, token: alice, json: method == .post ? "{}" : nil)
                #expect(reply.status == 403, "\(method) \(path)")
                #expect(try await api.send(method, path).status == 401)
            }
        }
    }

    @Test func passwordGrantSessionsHaveNoClient() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let token = try await api.login("alice")
            let sessions = try await api.send(.get, "/me/sessions", token: token)
            #expect(sessions.items.count == 1)
            #expect(sessions.items[0].keys.contains("client_id"))
            #expect(sessions.items[0]["client_id"] is NSNull)
        }
    }
}
