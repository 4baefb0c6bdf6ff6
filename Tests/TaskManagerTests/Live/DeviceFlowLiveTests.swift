import Foundation
import Testing

@testable import TaskManager

/// The device flow across two server processes on one PostgreSQL: the codes from one, the page
/// answered on the other, the poll back on the first.
@Suite(.enabled(if: TestPostgres.target != nil, Comment(rawValue: TestPostgres.skipped)))
struct DeviceFlowLiveTests {
    @Test func thePageOnOneProcessAnswersThePollOnTheOther() async throws {
        try await TestPostgres.withDatabase { url in
            let first = try await LiveServer.start(LiveServer.sharedPublicURL, databaseURL: TestPostgres.urlText(url))
            defer { first.stopInBackground() }
            let second = try await LiveServer.start(LiveServer.sharedPublicURL, databaseURL: TestPostgres.urlText(url))
            defer { second.stopInBackground() }
            _ = try await first.send(.POST, "/users", json: jsonBody(["username": "alice", "password": DeviceFlowRouterTests.password]))
            let started = try await first.send(.POST, "/device_authorization", form: formBody([("client_id", OAuthClient.commandLine)]))
            let deviceCode = try #require(started.string("device_code"))
            let userCode = try #require(started.string("user_code"))
            let poll = formBody([("grant_type", DeviceGrant.grantType), ("device_code", deviceCode), ("client_id", OAuthClient.commandLine)])
            #expect(try await first.send(.POST, "/token", form: poll).string("error") == "authorization_pending")

            // The person, on the second process.
            let entry = try await second.send(.GET, "/device")
            let cookie = String(try #require(entry.header("Set-Cookie")).prefix { $0 != ";" })
            let signIn = try await second.send(
                .POST, "/device", form: formBody([("entry", try #require(DeviceFlowRouterTests.hidden("entry", in: entry))), ("user_code", userCode)]),
                headers: [("Cookie", cookie)])
            let done = try await second.send(
                .POST, "/device",
                form: formBody([
                    ("request", try #require(DeviceFlowRouterTests.hidden("request", in: signIn), "\(signIn.body)")), ("username", "alice"),
                    ("password", DeviceFlowRouterTests.password), ("action", "allow"),
                ]), headers: [("Cookie", cookie)])
            #expect(done.body.contains("Device signed in"), "\(done.body)")

            // The device, back on the first, after its interval.
            try await Task.sleep(for: .seconds(5))
            let tokens = try await first.send(.POST, "/token", form: poll)
            #expect(tokens.status == 200, "\(tokens.body)")
            let me = try await second.send(.GET, "/me", token: tokens.string("access_token"))
            #expect(me.string("username") == "alice")
        }
    }
}
