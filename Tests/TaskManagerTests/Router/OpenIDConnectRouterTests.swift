import Crypto
import Foundation
import HTTPTypes
import JWTKit
import Testing

@testable import TaskManager

/// OpenID Connect through the router: ID tokens from every grant that asks for `openid`, checked
/// with nothing but the JWK Set; `/userinfo`; discovery; `nonce` kept to its own request.
@Suite struct OpenIDConnectRouterTests {
    typealias Auth = AuthorizationRouterTests

    /// The ID token's claims, its signature verified with the published keys alone.
    static func verifiedIDToken(_ token: String, _ api: RouterClient) async throws -> [String: Any] {
        let keys = JWTKeyCollection()
        try await keys.add(jwksJSON: try await api.send(.get, "/.well-known/jwks.json").body)
        _ = try await keys.verify(token, as: IDTokenClaims.self)
        let header = try #require(TokenServiceTests.json(token.split(separator: ".")[0]))
        #expect(header["typ"] as? String == "JWT")
        return try #require(TokenServiceTests.json(token.split(separator: ".")[1]))
    }

    static func atHash(_ accessToken: String) -> String {
        Base64URL.encode(Array(SHA256.hash(data: Array(accessToken.utf8))).prefix(16))
    }

    @Test func thePasswordGrantGivesAnIDTokenOnlyWhenAskedFor() async throws {
        try await withTestApp { api in
            let id = try await api.register("alice")
            let plain = try await api.loginReply("alice")
            #expect(plain.string("id_token") == nil)
            #expect(plain.string("scope") == "me tasks:read tasks:write lists:share")

            let reply = try await api.loginReply("alice", scope: "openid profile me")
            #expect(reply.string("scope") == "me openid profile")
            let access = try #require(reply.string("access_token"))
            let claims = try await Self.verifiedIDToken(try #require(reply.string("id_token")), api)
            let accessClaims = try #require(TokenServiceTests.json(access.split(separator: ".")[1]))
            #expect(claims["iss"] as? String == testConfiguration().publicURL)
            #expect(claims["sub"] as? String == id)
            #expect(claims["aud"] as? String == "taskmanager")
            #expect(claims["sid"] as? String == accessClaims["sid"] as? String)
            #expect(claims["at_hash"] as? String == Self.atHash(access))
            #expect(claims["amr"] as? [String] == ["pwd"])
            #expect(claims["preferred_username"] as? String == "alice")
            #expect(claims["name"] == nil && claims["nonce"] == nil)
            let issued = try #require(claims["iat"] as? Int)
            let expires = try #require(claims["exp"] as? Int)
            #expect(expires - issued <= 3600 && expires > issued)
            #expect(claims["auth_time"] as? Int == issued)

            // A refresh: a new ID token, the same subject and auth_time, no nonce.
            let refreshed = try await api.refresh(try #require(reply.string("refresh_token")))
            let again = try await Self.verifiedIDToken(try #require(refreshed.string("id_token")), api)
            #expect(again["sub"] as? String == id && again["auth_time"] as? Int == issued && again["nonce"] == nil)
            #expect(again["at_hash"] as? String == Self.atHash(try #require(refreshed.string("access_token"))))
            // Narrowed to leave `openid` out: no ID token.
            let narrowed = try await api.refresh(try #require(refreshed.string("refresh_token")), scope: "me")
            #expect(narrowed.status == 200 && narrowed.string("id_token") == nil)
        }
    }

    @Test func userInfoSaysWhatTheScopesAllow() async throws {
        try await withTestApp { api in
            let id = try await api.register("alice", email: "alice@example.com")
            for method in [HTTPRequest.Method.get, .post] {
                let bare = try await api.send(method, "/userinfo", token: try await api.login("alice", scope: "openid"))
                #expect(bare.status == 200)
                #expect(bare.header("Cache-Control") == "no-store")
                #expect(Set(bare.json.keys) == ["sub"] && bare.string("sub") == id)

                let full = try await api.login("alice", scope: "openid profile email me")
                #expect(try await api.send(.patch, "/me", token: full, json: #"{"full_name": "Alice Liddell"}"#).status == 200)
                let all = try await api.send(method, "/userinfo", token: full)
                #expect(all.string("preferred_username") == "alice" && all.string("name") == "Alice Liddell")
                #expect(all.string("email") == "alice@example.com" && all.json["email_verified"] as? Bool == false)
                #expect(all.json["updated_at"] as? Int != nil)

                let notOpenID = try await api.send(method, "/userinfo", token: try await api.login("alice"))
                #expect(notOpenID.status == 403)
                #expect(notOpenID.challenge?.contains(#"error="insufficient_scope""#) == true)
                #expect(try await api.send(method, "/userinfo").status == 401)
            }
        }
    }

    @Test func discoveryNamesEveryEndpointFromTheIssuer() async throws {
        try await withTestApp { api in
            let reply = try await api.send(.get, "/.well-known/openid-configuration")
            #expect(reply.status == 200)
            let issuer = testConfiguration().publicURL
            #expect(reply.string("issuer") == issuer)
            for (name, path) in [
                ("authorization_endpoint", "/authorize"), ("token_endpoint", "/token"), ("userinfo_endpoint", "/userinfo"),
                ("jwks_uri", "/.well-known/jwks.json"), ("revocation_endpoint", "/token/revoke"), ("introspection_endpoint", "/token/introspect"),
                ("device_authorization_endpoint", "/device_authorization"),
            ] {
                #expect(reply.string(name) == issuer + path, "\(name)")
            }
            #expect(reply.json["id_token_signing_alg_values_supported"] as? [String] == ["RS256", "ES256"])
            #expect(reply.json["subject_types_supported"] as? [String] == ["public"])
            #expect((reply.json["scopes_supported"] as? [String])?.contains("openid") == true)
            #expect(reply.json["authorization_response_iss_parameter_supported"] as? Bool == true)
            let metadata = try await api.send(.get, "/.well-known/oauth-authorization-server")
            #expect(metadata.string("userinfo_endpoint") == issuer + "/userinfo")
        }
    }

    /// The code flow: the ID token names the client and carries its request's nonce — each
    /// request's own, never another's; a nonce over 255 characters goes back as invalid_request.
    @Test func theCodeFlowCarriesEachRequestsOwnNonce() async throws {
        try await Auth().withApp { api, admin in
            let client = try await Auth.register(api, admin: admin, #"{"client_name": "Planner", "redirect_uris": ["http://127.0.0.1:7000/cb"]}"#)
            let clientID = try #require(client.string("client_id"))
            var subjects: Set<String> = []
            for nonce in ["n-0S6_WzA2Mj", "another nonce"] {
                let (verifier, challenge) = Auth.pkce()
                let uri = Auth.authorizeURI(
                    client: clientID, redirect: "http://127.0.0.1:7000/cb", challenge: challenge,
                    extra: "&scope=openid%20tasks%3Aread&nonce=\(FormFields.encode(nonce))")
                let back = try await Auth.signIn(Auth.Browser(api), uri)
                let tokens = try await api.send(
                    .post, "/token",
                    form: formBody([
                        ("grant_type", "authorization_code"), ("code", try #require(back["code"])),
                        ("redirect_uri", "http://127.0.0.1:7000/cb"), ("code_verifier", verifier), ("client_id", clientID),
                    ]))
                #expect(tokens.status == 200, "\(tokens.body)")
                let claims = try await Self.verifiedIDToken(try #require(tokens.string("id_token")), api)
                #expect(claims["nonce"] as? String == nonce)
                #expect(claims["aud"] as? String == clientID)
                #expect(claims["iss"] as? String == "https://tasks.example.com")
                subjects.insert(try #require(claims["sub"] as? String))
                let accessToken = try #require(tokens.string("access_token"))
                let access = try #require(TokenServiceTests.json(accessToken.split(separator: ".")[1]))
                #expect(access["client_id"] as? String == clientID)
            }
            #expect(subjects.count == 1)

            let (_, challenge) = Auth.pkce()
            let tooLong = try await api.send(
                .get,
                Auth.authorizeURI(
                    client: clientID, redirect: "http://127.0.0.1:7000/cb", challenge: challenge,
                    extra: "&scope=openid&nonce=\(String(repeating: "n", count: 256))"))
            #expect(tooLong.status == 303)
            #expect(Auth.query(tooLong.header("Location"))["error"] == "invalid_request")
        }
    }
}
