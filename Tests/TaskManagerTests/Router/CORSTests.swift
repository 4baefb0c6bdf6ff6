import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Testing

@testable import TaskManager

@Suite struct CORSTests {
    static let origin = "https://app.example.com"

    @Test func offByDefault() async throws {
        try await withTestApp { api in
            let reply = try await api.send(
                .options, "/tasks", headers: [.origin: Self.origin, .accessControlRequestMethod: "POST"])
            #expect(reply.status == 405)
            #expect(reply.header("Access-Control-Allow-Origin") == nil)
            #expect(try await api.send(.get, "/healthz", headers: [.origin: Self.origin]).header("Access-Control-Allow-Origin") == nil)
        }
    }

    @Test func exactlyTheConfiguredOriginsWithPreflight() async throws {
        try await withTestApp({ $0.corsOrigins = [Self.origin] }) { api in
            let preflight = try await api.send(
                .options, "/tasks",
                headers: [.origin: Self.origin, .accessControlRequestMethod: "POST", .accessControlRequestHeaders: "authorization, content-type"])
            #expect(preflight.status == 204)
            #expect(preflight.header("Access-Control-Allow-Origin") == Self.origin)
            #expect(preflight.header("Access-Control-Allow-Methods") == "GET, POST")
            #expect(preflight.header("Access-Control-Allow-Headers")?.contains("Authorization") == true)
            #expect(preflight.header("Vary") == "Origin")

            try await api.register("alice")
            let token = try await api.login("alice")
            let actual = try await api.send(.get, "/tasks", token: token, headers: [.origin: Self.origin])
            #expect(actual.status == 200)
            #expect(actual.header("Access-Control-Allow-Origin") == Self.origin)
            #expect(actual.header("Access-Control-Expose-Headers")?.contains("WWW-Authenticate") == true)

            let other = try await api.send(
                .options, "/tasks", headers: [.origin: "https://evil.example", .accessControlRequestMethod: "POST"])
            #expect(other.header("Access-Control-Allow-Origin") == nil)
            let otherActual = try await api.send(.get, "/tasks", token: token, headers: [.origin: "https://evil.example"])
            #expect(otherActual.header("Access-Control-Allow-Origin") == nil)
        }
    }

    @Test func badOriginsStopTheStart() {
        #expect(throws: ServerSettings.Invalid.self) {
            try ServerOptions.parse(["--cors-origins", "app.example.com"]).settings(environment: [:])
        }
        #expect(throws: ServerSettings.Invalid.self) {
            try ServerOptions.parse([]).settings(environment: ["TASKMANAGER_CORS_ORIGINS": "https://a.example/"])
        }
    }
}
