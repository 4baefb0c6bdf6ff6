import Foundation
import Testing

@testable import TaskManager

/// `/.well-known/jwks.json` and what names it: the key that signs the tokens, public members only,
/// cacheable for a minute; the metadata's `jwks_uri`.
@Suite struct JSONWebKeySetRouterTests {
    @Test func theSetHoldsThePublicHalfOfTheKeyThatSigns() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let token = try await api.login("alice")
            let reply = try await api.send(.get, "/.well-known/jwks.json")
            #expect(reply.status == 200)
            #expect(reply.header("Cache-Control") == "public, max-age=60")
            let keys = try #require(reply.json["keys"] as? [[String: Any]])
            #expect(keys.count == 1)
            let key = try #require(keys.first)
            #expect(key["kid"] as? String == KeyRotationTests.kid(token))
            #expect(key["kty"] as? String == "EC" && key["crv"] as? String == "P-256" && key["alg"] as? String == "ES256")
            #expect(key["use"] as? String == "sig")
            #expect(Set(key.keys) == ["kty", "kid", "alg", "use", "crv", "x", "y"])

            let metadata = try await api.send(.get, "/.well-known/oauth-authorization-server")
            #expect(metadata.string("jwks_uri") == testConfiguration().publicURL + "/.well-known/jwks.json")
        }
    }

    /// RSA by default: `n` and `e`, never a private member.
    @Test func anRSAKeyPublishesItsModulusAndExponent() async throws {
        try await withTestApp({ $0.signingAlgorithm = .rs256 }) { api in
            let keys = try #require(try await api.send(.get, "/.well-known/jwks.json").json["keys"] as? [[String: Any]])
            #expect(keys.count == 1)
            #expect(Set(keys[0].keys) == ["kty", "kid", "alg", "use", "n", "e"])
            #expect(keys[0]["e"] as? String == "AQAB")
            #expect((keys[0]["n"] as? String)?.count == 342)  // 2048 bits, base64url
        }
    }
}
