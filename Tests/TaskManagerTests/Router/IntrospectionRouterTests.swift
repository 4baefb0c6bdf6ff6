import Foundation
import HTTPTypes
import Testing

@testable import TaskManager

/// RFC 7662 through the router: a confidential client asks; a live token says what it is, every
/// other token only `{"active": false}`, and the session's end shows at once.
@Suite struct IntrospectionRouterTests {
    typealias Auth = AuthorizationRouterTests

    static func basic(_ id: String, _ secret: String) -> HTTPFields {
        [.authorization: "Basic " + Data("\(FormFields.encode(id)):\(FormFields.encode(secret))".utf8).base64EncodedString()]
    }

    @Test func aConfidentialClientLearnsWhatALiveTokenIsAndNothingOfOthers() async throws {
        try await Auth().withApp { api, admin in
            let client = try await Auth.register(
                api, admin: admin, #"{"client_name": "Resource", "redirect_uris": ["https://rs.example.com/cb"], "confidential": true}"#)
            let id = try #require(client.string("client_id"))
            let secret = try #require(client.string("client_secret"))
            let login = try await api.loginReply("alice", scope: "openid tasks:read")
            let access = try #require(login.string("access_token"))
            let refresh = try #require(login.string("refresh_token"))
            func ask(_ token: String, hint: String? = nil, headers: HTTPFields? = nil, form extra: [(String, String)] = []) async throws -> Reply {
                var fields = [("token", token)] + extra
                if let hint { fields.append(("token_type_hint", hint)) }
                return try await api.send(.post, "/token/introspect", form: formBody(fields), headers: headers ?? Self.basic(id, secret))
            }

            let live = try await ask(access)
            #expect(live.status == 200 && live.header("Cache-Control") == "no-store")
            let claims = try #require(TokenServiceTests.json(access.split(separator: ".")[1]))
            #expect(live.json["active"] as? Bool == true)
            #expect(live.string("token_type") == "Bearer" && live.string("username") == "alice" && live.string("client_id") == "taskmanager")
            #expect(live.string("scope") == "tasks:read openid")
            for name in ["sub", "sid", "jti", "iss"] { #expect(live.string(name) == claims[name] as? String, "\(name)") }
            #expect(live.string("aud") == "https://tasks.example.com")
            #expect(live.json["exp"] as? Int == claims["exp"] as? Int)

            // The refresh token, by form credentials and with the hint.
            let asRefresh = try await ask(refresh, hint: "refresh_token", headers: [:], form: [("client_id", id), ("client_secret", secret)])
            #expect(asRefresh.json["active"] as? Bool == true && asRefresh.string("token_type") == "refresh_token")
            #expect(asRefresh.string("sid") == claims["sid"] as? String && asRefresh.string("jti") == nil)

            // Nothing of what is not a live token of this server.
            var forged = Array(access)
            forged[forged.count - 5] = forged[forged.count - 5] == "A" ? "B" : "A"
            for token in ["garbage", String(forged), "a.b.c", refresh + "x"] {
                let dead = try await ask(token)
                #expect(dead.status == 200 && Set(dead.json.keys) == ["active"] && dead.json["active"] as? Bool == false, "\(token)")
            }

            // Revoked: inactive at once, both tokens.
            #expect(try await api.send(.post, "/token/revoke", form: formBody([("token", refresh)])).status == 200)
            #expect(try await ask(access).json["active"] as? Bool == false)
            #expect(try await ask(refresh).json["active"] as? Bool == false)
        }
    }

    @Test func onlyAnAuthenticatedConfidentialClientMayAsk() async throws {
        try await Auth().withApp { api, admin in
            let client = try await Auth.register(
                api, admin: admin, #"{"client_name": "Resource", "redirect_uris": ["https://rs.example.com/cb"], "confidential": true}"#)
            let id = try #require(client.string("client_id"))
            let publicClient = try await Auth.register(api, admin: admin, #"{"client_name": "App", "redirect_uris": ["https://app.example.com/cb"]}"#)
            let token = try await api.login("alice")
            for headers in [HTTPFields(), Self.basic(id, "wrong"), Self.basic(try #require(publicClient.string("client_id")), ""), Self.basic("nobody", "x")] {
                let refused = try await api.send(.post, "/token/introspect", form: formBody([("token", token)]), headers: headers)
                #expect(refused.status == 401, "\(headers)")
                #expect(refused.string("error") == "invalid_client" && refused.string("detail") != nil)
                #expect(refused.header("WWW-Authenticate")?.hasPrefix("Basic") == true)
            }
            let secret = try #require(client.string("client_secret"))
            // Both ways at once, and a malformed Basic header: failed authentications too.
            let malformed: HTTPFields = [.authorization: "Basic !!!"]
            let attempts: [(HTTPFields, [(String, String)])] = [(Self.basic(id, secret), [("client_id", id), ("client_secret", secret)]), (malformed, [])]
            for (headers, form) in attempts {
                let refused = try await api.send(.post, "/token/introspect", form: formBody([("token", token)] + form), headers: headers)
                #expect(refused.status == 401 && refused.string("error") == "invalid_client", "\(refused.body)")
            }
            let missing = try await api.send(.post, "/token/introspect", form: formBody([("token_type_hint", "access_token")]), headers: Self.basic(id, secret))
            #expect(missing.status == 400 && missing.string("error") == "invalid_request")
            let json = try await api.send(.post, "/token/introspect", json: #"{"token": "x"}"#, headers: Self.basic(id, secret))
            #expect(json.status == 400 && json.string("error") == "invalid_request")
        }
    }

    /// The scopes said are those the server honours now: an admin demoted loses `admin` here too.
    @Test func aDemotedAdminsTokenNoLongerSaysAdmin() async throws {
        try await Auth().withApp { api, admin in
            let client = try await Auth.register(
                api, admin: admin, #"{"client_name": "Resource", "redirect_uris": ["https://rs.example.com/cb"], "confidential": true}"#)
            let headers = Self.basic(try #require(client.string("client_id")), try #require(client.string("client_secret")))
            let users = try await api.send(.get, "/admin/users", token: admin)
            let alice = try #require(users.items.first { $0["username"] as? String == "alice" }?["id"] as? String)
            #expect(try await api.send(.patch, "/admin/users/\(alice)", token: admin, json: #"{"is_admin": true}"#).status == 200)
            let login = try await api.loginReply("alice", scope: "admin tasks:read")
            let token = try #require(login.string("access_token"))
            #expect(try await api.send(.post, "/token/introspect", form: formBody([("token", token)]), headers: headers).string("scope") == "tasks:read admin")
            #expect(try await api.send(.patch, "/admin/users/\(alice)", token: admin, json: #"{"is_admin": false}"#).status == 200)
            for token in [token, try #require(login.string("refresh_token"))] {
                #expect(try await api.send(.post, "/token/introspect", form: formBody([("token", token)]), headers: headers).string("scope") == "tasks:read")
            }
        }
    }

    /// A token of the release before (HS256, issuer `taskmanager`) is live until it expires, and is
    /// introspected with its own issuer.
    @Test func aTokenOfTheReleaseBeforeKeepsItsIssuer() async throws {
        let secret = "a-configured-secret-that-is-long-enough"
        try await withSeededDatabase(admin: "root") { url in
            try await withTestApp({ $0.databaseURL = url; $0.jwtSecret = secret }) { api in
                let client = try await Auth.register(
                    api, admin: try await api.login("root"),
                    #"{"client_name": "Resource", "redirect_uris": ["https://rs.example.com/cb"], "confidential": true}"#)
                try await api.register("alice")
                let current = try #require(TokenServiceTests.json(try await api.login("alice").split(separator: ".")[1]))
                var legacy = TokenServiceTests.claims()
                legacy["iss"] = TokenService.legacyIssuer
                legacy["aud"] = TokenService.legacyAudience
                legacy["sub"] = current["sub"]
                legacy["sid"] = current["sid"]
                let token = TokenServiceTests.sign(
                    header: ["alg": "HS256", "kid": TokenService.kid(forSecret: Array(secret.utf8))], claims: legacy, key: Array(secret.utf8))
                let answer = try await api.send(
                    .post, "/token/introspect", form: formBody([("token", token)]),
                    headers: Self.basic(try #require(client.string("client_id")), try #require(client.string("client_secret"))))
                #expect(answer.json["active"] as? Bool == true && answer.string("iss") == "taskmanager", "\(answer.body)")
            }
        }
    }

    /// A disabled account's and a changed password's tokens are inactive at once, not within a second.
    @Test func anEndedSessionIsInactiveAtOnce() async throws {
        try await Auth().withApp { api, admin in
            let client = try await Auth.register(
                api, admin: admin, #"{"client_name": "Resource", "redirect_uris": ["https://rs.example.com/cb"], "confidential": true}"#)
            let headers = Self.basic(try #require(client.string("client_id")), try #require(client.string("client_secret")))
            let token = try await api.login("alice")
            #expect(try await api.send(.get, "/me", token: token).status == 200)  // in this process's session cache now
            let other = try await api.login("alice")
            let changed = try await api.send(
                .post, "/me/password", token: other, json: #"{"current_password": "correct horse battery", "new_password": "another horse battery"}"#)
            #expect(changed.status == 204, "\(changed.body)")
            let answer = try await api.send(.post, "/token/introspect", form: formBody([("token", token)]), headers: headers)
            #expect(answer.json["active"] as? Bool == false)
        }
    }
}
