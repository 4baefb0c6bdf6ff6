import Foundation
import NIOHTTP1
import Testing

/// The login sessions' rules over the wire, against the real binary.
@Suite(.serialized) struct LiveSessionSecurityTests {
    static let password = "correct horse battery"

    static func login(_ server: LiveServer, _ username: String, _ password: String = password, forwardedFor: String? = nil)
        async throws -> Reply
    {
        try await server.send(
            .POST, "/token", form: formBody([("username", username), ("password", password)]),
            headers: forwardedFor.map { [("X-Forwarded-For", $0)] } ?? [])
    }

    @Test func refreshRotationReuseAndRevocation() async throws {
        let server = try await LiveServer.start()
        defer { server.stopInBackground() }
        _ = try await server.send(.POST, "/users", json: jsonBody(["username": "alice", "password": Self.password]))
        let login = try await Self.login(server, "alice")
        let stolen = try #require(login.string("refresh_token"))
        let refreshed = try await server.send(.POST, "/token", form: formBody([("grant_type", "refresh_token"), ("refresh_token", stolen)]))
        #expect(refreshed.status == 200)
        #expect(refreshed.header("Cache-Control") == "no-store")
        let replay = try await server.send(.POST, "/token", form: formBody([("grant_type", "refresh_token"), ("refresh_token", stolen)]))
        #expect(replay.string("error") == "invalid_grant")
        #expect(try await server.send(.GET, "/me", token: refreshed.string("access_token")).status == 401)

        let second = try await Self.login(server, "alice")
        let revoke = try await server.send(.POST, "/token/revoke", form: formBody([("token", second.string("access_token")!)]))
        #expect(revoke.status == 200)
        let refused = try await server.send(.GET, "/me", token: second.string("access_token"))
        #expect(refused.status == 401)
        #expect(refused.challenge == #"Bearer error="invalid_token""#)
    }

    @Test func aLockedAccountRefusesTheRightPassword() async throws {
        let server = try await LiveServer.start()
        defer { server.stopInBackground() }
        _ = try await server.send(.POST, "/users", json: jsonBody(["username": "alice", "password": Self.password]))
        for _ in 0..<5 { #expect(try await Self.login(server, "alice", "wrong password").status == 400) }
        let locked = try await Self.login(server, "alice")
        #expect(locked.status == 429)
        // The lock is 60 s from the fifth failure; a loaded machine may take a second to ask again.
        let retryAfter = try #require(locked.header("Retry-After").flatMap { Int($0) })
        #expect((55...60).contains(retryAfter), "\(retryAfter)")
        #expect(locked.json["detail"] is String)
        #expect(locked.header("X-Content-Type-Options") == "nosniff")
    }

    @Test func forwardedForCountsOnlyFromTrustedProxies() async throws {
        // Behind a trusted proxy, each client address has its own window.
        let proxied = try await LiveServer.start(["--trusted-proxies", "127.0.0.1, ::1"])
        defer { proxied.stopInBackground() }
        _ = try await proxied.send(.POST, "/users", json: jsonBody(["username": "alice", "password": Self.password]))
        for index in 0..<50 {
            _ = try await Self.login(proxied, "guess\(index)", "wrong password", forwardedFor: "198.51.100.7")
        }
        #expect(try await Self.login(proxied, "alice", forwardedFor: "198.51.100.7").status == 429)
        #expect(try await Self.login(proxied, "alice", forwardedFor: "198.51.100.8").status == 200)
        // A client cannot pose as another one through a proxy either: the right-most hop counts.
        #expect(try await Self.login(proxied, "alice", forwardedFor: "198.51.100.8, 198.51.100.7").status == 429)

        // Without trusted proxies the header is ignored: the peer is the client.
        let direct = try await LiveServer.start()
        defer { direct.stopInBackground() }
        _ = try await direct.send(.POST, "/users", json: jsonBody(["username": "alice", "password": Self.password]))
        for index in 0..<50 {
            _ = try await Self.login(direct, "guess\(index)", "wrong password", forwardedFor: "198.51.100.\(index)")
        }
        #expect(try await Self.login(direct, "alice", forwardedFor: "203.0.113.1").status == 429)
    }
}
