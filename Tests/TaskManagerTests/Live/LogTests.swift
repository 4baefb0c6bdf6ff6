import Foundation
import Testing

@testable import TaskManager

@Suite(.serialized) struct LogTests {
    @Test func noSecretReachesTheLogAtTraceLevel() async throws {
        let directory = try TemporaryDirectory()
        let logFile = directory.url.appendingPathComponent("server.log")
        let server = try await LiveServer.start(["--log-level", "trace", "--log-format", "json"], logFile: logFile)
        let password = "unmistakable-Pa55word"
        let newPassword = "another-unmistakable-Pa55"
        _ = try await server.send(.POST, "/users", json: jsonBody(["username": "secretive", "password": password]))
        let login = try await server.send(
            .POST, "/token", form: formBody([("username", "secretive"), ("password", password), ("client_secret", "client-s3cret")]),
            headers: [("Authorization", "Basic " + Data("client:client-s3cret".utf8).base64EncodedString()), ("X-Request-ID", "login-1")])
        let access = try #require(login.string("access_token"))
        let refresh = try #require(login.string("refresh_token"))
        _ = try await server.send(.GET, "/me", token: access)
        let refreshed = try await server.send(.POST, "/token", form: formBody([("grant_type", "refresh_token"), ("refresh_token", refresh)]))
        let access2 = try #require(refreshed.string("access_token"))
        let refresh2 = try #require(refreshed.string("refresh_token"))
        _ = try await server.send(
            .POST, "/me/password", token: access2, json: jsonBody(["current_password": password, "new_password": newPassword]))
        _ = try await server.send(.POST, "/token/revoke", form: formBody([("token", refresh2)]))
        _ = try await server.send(.GET, "/me", token: access2)
        #expect(await server.stop() == 0)

        let log = try String(contentsOf: logFile, encoding: .utf8)
        let secrets = [password, newPassword, access, refresh, access2, refresh2, "client-s3cret",
                       Data("client:client-s3cret".utf8).base64EncodedString(), "Bearer ", "Basic "]
        for secret in secrets { #expect(!log.contains(secret), "the log contains \(secret.prefix(12))…") }
        #expect(!log.lowercased().contains("authorization"))
        // One JSON line per request, with its route, status and request id.
        let lines = log.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let requests = lines.filter { $0["message"] as? String == "request" }
        #expect(requests.count == 8)
        #expect(requests.contains { $0["request_id"] as? String == "login-1" && $0["route"] as? String == "/token" && $0["status"] as? String == "200" })
        #expect(requests.contains { $0["route"] as? String == "/me" && $0["user_id"] != nil })
    }
}
