import Foundation
import Logging
import Testing

@testable import TaskManager

@Suite struct ServiceRouterTests {
    @Test func probesAnswer() async throws {
        try await withTestApp { api in
            let health = try await api.send(.get, "/healthz")
            #expect(health.status == 200)
            #expect(health.body == #"{"status":"ok"}"#)
            let ready = try await api.send(.get, "/readyz")
            #expect(ready.status == 200)
            #expect(ready.header("X-Content-Type-Options") == "nosniff")
        }
    }

    /// The handler itself, called directly: a closed database is not ready.
    @Test func notReadyWithoutADatabase() async throws {
        let (api, database) = try await withDependencies(testConfiguration()) { dependencies in
            let api = APIImplementation(AppServices(dependencies))
            _ = try await api.getReadiness(.init())
            return (api, dependencies.database)
        }
        #expect(await !database.ping())
        await #expect(throws: APIError.serviceUnavailable) { try await api.getReadiness(.init()) }
    }

    @Test func aRequestCancelledByShutdownIsA503() {
        #expect(ErrorResponse.apiError(for: CancellationError(), logger: Logger(label: "test")) == .serviceUnavailable)
    }

    @Test func anAcceptHeaderNeverTurnsADoneWriteIntoAnError() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let token = try await api.login("alice")
            let reply = try await api.send(
                .post, "/tasks", token: token, json: #"{"title": "x"}"#, headers: [.accept: "text/plain"])
            #expect(reply.status == 201)
            #expect(reply.string("title") == "x")
        }
    }

    @Test func servesTheCompiledDocument() async throws {
        try await withTestApp { api in
            let reply = try await api.send(.get, "/openapi.json")
            #expect(reply.status == 200)
            #expect(reply.header("Content-Type") == "application/json")
            #expect(reply.body == OpenAPIDocument.compiled.json)
            #expect(reply.string("openapi") == "3.1.0")
            let scheme = ((reply.json["components"] as? [String: Any])?["securitySchemes"] as? [String: Any])?["OAuth2PasswordBearer"]
            let flow = ((scheme as? [String: Any])?["flows"] as? [String: Any])?["password"] as? [String: Any]
            #expect(flow?["tokenUrl"] as? String == "token")
            #expect(Set((flow?["scopes"] as? [String: Any])?.keys.map { $0 } ?? []) == Set(Scope.allCases.map(\.rawValue)))
        }
    }

    @Test func unknownPathsAreJSON404s() async throws {
        try await withTestApp { api in
            let reply = try await api.send(.get, "/nowhere")
            #expect(reply.status == 404)
            #expect(reply.body == #"{"detail":"Not Found"}"#)
            #expect(reply.header("X-Content-Type-Options") == "nosniff")
        }
    }

    @Test func wrongMethodsAre405WithAllow() async throws {
        try await withTestApp { api in
            for (method, path, allow) in [
                (HTTPRequest.Method.put, "/tasks", "GET, POST"), (.put, "/me", "DELETE, GET, PATCH"),
                (.post, "/tasks/\(UUID().uuidString)", "DELETE, GET, PATCH"), (.get, "/token", "POST"), (.post, "/healthz", "GET"),
                (.delete, "/openapi.json", "GET"),
            ] {
                let reply = try await api.send(method, path)
                #expect(reply.status == 405, "\(method) \(path)")
                #expect(reply.header("Allow") == allow, "\(method) \(path)")
                #expect(reply.json["detail"] is String)
            }
        }
    }
}

import HTTPTypes
