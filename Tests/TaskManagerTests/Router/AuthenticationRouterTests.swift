import Foundation
import HTTPTypes
import Logging
import Testing

@testable import TaskManager

@Suite struct AuthenticationRouterTests {
    static let secret = "a-configured-secret-that-is-long-enough"

    @Test func noTokenOrAnotherSchemeIsNotAuthenticated() async throws {
        try await withTestApp { api in
            for header: String? in [nil, "Basic YWxpY2U6c2VjcmV0", "Bearer", "Bearer ", "Token abc", "bearerabc"] {
                let reply = try await api.send(.get, "/me", headers: header.map { [.authorization: $0] } ?? [:])
                #expect(reply.status == 401, "\(header ?? "none")")
                #expect(reply.body == #"{"detail":"Not authenticated"}"#)
                #expect(reply.challenge == "Bearer")
            }
        }
    }

    @Test func theSchemeIsCaseInsensitive() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let token = try await api.login("alice")
            for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
                let reply = try await api.send(.get, "/me", headers: [.authorization: "\(scheme) \(token)"])
                #expect(reply.status == 200, "\(scheme)")
            }
        }
    }

    @Test func badTokensCannotBeValidated() async throws {
        try await withTestApp({ $0.jwtSecret = Self.secret }) { api in
            let userID = try await api.register("alice")
            let good = try await api.login("alice")
            let sid = try #require(TokenServiceTests.json(good.split(separator: ".")[1])?["sid"] as? String)
            let kid = TokenService.kid(forSecret: Array(Self.secret.utf8))
            let base = TokenServiceTests.claims().merging(["sub": userID, "sid": sid]) { $1 }
            let forge = { (header: [String: String], changes: [String: String?], key: String) -> String in
                var claims = base
                for (name, value) in changes { claims[name] = value }
                return TokenServiceTests.sign(header: header, claims: claims, key: Array(key.utf8))
            }
            let hs256 = ["alg": "HS256", "kid": kid]
            // The forger's baseline is accepted, so each case below fails for its own reason.
            #expect(try await api.send(.get, "/me", token: forge(hs256, [:], Self.secret)).status == 200)
            var expired = base
            expired["exp"] = Date().timeIntervalSince1970 - 10
            var parts = good.split(separator: ".").map(String.init)
            parts[1] = Base64URL.encode(Data(#"{"sub":"someone-else"}"#.utf8))
            let cases: [String: String] = [
                "bad signature": forge(hs256, [:], "another-secret-of-32-bytes-at-least"),
                "tampered payload": parts.joined(separator: "."),
                "malformed": "not-a-jwt",
                "expired": TokenServiceTests.sign(header: hs256, claims: expired, key: Array(Self.secret.utf8)),
                "alg none": TokenServiceTests.base64(["alg": "none", "kid": kid]) + "." + TokenServiceTests.base64(base) + ".",
                "alg HS384": forge(["alg": "HS384", "kid": kid], [:], Self.secret),
                "no kid": forge(["alg": "HS256"], [:], Self.secret),
                "unknown kid": forge(["alg": "HS256", "kid": "0000000000000000"], [:], Self.secret),
                "wrong iss": forge(hs256, ["iss": "elsewhere"], Self.secret),
                "wrong aud": forge(hs256, ["aud": "another-api"], Self.secret),
                "unknown session": forge(hs256, ["sid": UUID().uuidString.lowercased()], Self.secret),
                "sub of another user": forge(hs256, ["sub": UUID().uuidString.lowercased()], Self.secret),
            ]
            for (name, token) in cases {
                let reply = try await api.send(.get, "/me", token: token)
                #expect(reply.status == 401, "\(name)")
                #expect(reply.body == #"{"detail":"Could not validate credentials"}"#, "\(name)")
                #expect(reply.challenge == #"Bearer error="invalid_token""#, "\(name)")
            }
        }
    }

    @Test func endedSessionsDeletedAndDisabledUsersAreRefused() async throws {
        try await withSeededDatabase { url in
            try await withTestApp({ $0.databaseURL = url }) { api in
                let aliceID = try await api.register("alice")
                try await api.register("bob")
                try await api.register("carol")
                let alice = try await api.login("alice")
                let bob = try await api.login("bob")
                let carol = try await api.login("carol")
                let bobSession = try #require(TokenServiceTests.json(bob.split(separator: ".")[1])?["sid"] as? String)
                for token in [alice, bob, carol] { #expect(try await api.send(.get, "/me", token: token).status == 200) }

                // Another process (an admin tool) changes the database.
                try await AppDatabase.withRunning(url, logger: Logger(label: "test")) { db in
                    try await db.write { sql in
                        try await sql.execute("DELETE FROM users WHERE id = \(bind: aliceID)")
                        try await sql.execute("UPDATE sessions SET revoked_at = 1 WHERE id = \(bind: bobSession)")
                        try await sql.execute("UPDATE users SET is_active = \(bind: false) WHERE username = 'carol'")
                    }
                }
                // The contract's second: what the app read before the change may serve until then.
                try await Task.sleep(for: .seconds(1))

                for token in [alice, bob] {
                    let reply = try await api.send(.get, "/me", token: token)
                    #expect(reply.status == 401)
                    #expect(reply.json["detail"] as? String == "Could not validate credentials")
                }
                let reply = try await api.send(.get, "/me", token: carol)
                #expect(reply.status == 401)
                #expect(reply.json["detail"] as? String == "Inactive user")
                #expect(reply.challenge == #"Bearer error="invalid_token""#)
                let login = try await api.send(.post, "/token", form: formBody([("username", "carol"), ("password", "correct horse battery")]))
                #expect(login.status == 400)
                #expect(login.string("error") == "invalid_grant")
                #expect(login.string("detail") == "Inactive user")
            }
        }
    }

    @Test func eachOperationNeedsItsOwnScope() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let readOnly = try await api.login("alice", scope: "tasks:read")
            let writeOnly = try await api.login("alice", scope: "tasks:write")
            let meOnly = try await api.login("alice", scope: "me")
            let checks: [(String, HTTPRequest.Method, String, String)] = [
                (readOnly, .post, "/tasks", "tasks:write"),
                (writeOnly, .get, "/tasks", "tasks:read"),  // writing does not imply reading
                (meOnly, .get, "/tasks", "tasks:read"),
                (readOnly, .get, "/me", "me"),
                (writeOnly, .patch, "/me", "me"),
                (meOnly, .delete, "/tasks/\(UUID().uuidString)", "tasks:write"),
            ]
            for (token, method, path, needed) in checks {
                let reply = try await api.send(method, path, token: token, json: method == .get ? nil : "{}")
                #expect(reply.status == 403, "\(path) needs \(needed)")
                #expect(reply.body == #"{"detail":"Not enough permissions"}"#)
                #expect(reply.challenge == #"Bearer error="insufficient_scope", scope="\#(needed)""#)
            }
            #expect(try await api.send(.get, "/tasks", token: readOnly).status == 200)
            #expect(try await api.createTask(writeOnly, ["title": "ok"]).status == 201)
            #expect(try await api.send(.get, "/me", token: meOnly).status == 200)
        }
    }

    @Test func authenticationComesBeforeBodyValidation() async throws {
        try await withTestApp { api in
            let reply = try await api.send(.post, "/tasks", json: "{not json")
            #expect(reply.status == 401)
        }
    }
}
