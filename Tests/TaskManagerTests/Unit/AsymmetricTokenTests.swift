import Crypto
import Foundation
import JWTKit
import Testing

@testable import TaskManager

/// Access tokens signed with the asymmetric key (RFC 9068), verified by anyone with the JWK Set,
/// and the attacks on record against JWT verifiers, each refused.
@Suite struct AsymmetricTokenTests {
    static let issuer = TokenServiceTests.issuer

    func service(_ algorithm: SigningAlgorithm, ttl: Int = 900, clock: AppClock = .system, configured: SigningKey? = nil)
        async throws -> (TokenService, SigningKey)
    {
        let key = try SigningKey.generate(algorithm)
        let tokens = await TokenService(
            configured: configured, stored: [.init(key: key, createdAt: Date(), retiredAt: nil)], accessTokenTTL: ttl, issuer: Self.issuer,
            clock: clock)
        return (tokens, key)
    }

    @Test(arguments: SigningAlgorithm.asymmetric)
    func aTokenVerifiesWithNothingButThePublishedKeys(_ algorithm: SigningAlgorithm) async throws {
        let (tokens, key) = try await service(algorithm)
        let token = try await tokens.issueAccessToken(.init(userID: "u", sessionID: "s", scopes: [.me], clientID: "app"))
        let header = try #require(TokenServiceTests.json(token.split(separator: ".")[0]))
        #expect(header["alg"] as? String == algorithm.rawValue)
        #expect(header["typ"] as? String == "at+jwt")
        #expect(header["kid"] as? String == key.kid)
        #expect(try await tokens.verify(token).clientID == "app")

        // A verifier holding only the JWK Set, as JSON: no private member in it.
        let published = await tokens.publishedKeys()
        #expect(published.map(\.kid) == [key.kid])
        let json = try Self.jwksJSON(published)
        for member in ["\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"dq\"", "\"qi\""] { #expect(!json.contains(member)) }
        let verifier = JWTKeyCollection()
        try await verifier.add(jwksJSON: json)
        let claims = try await verifier.verify(token, as: AccessClaims.self)
        #expect(claims.sub.value == "u" && claims.iss.value == Self.issuer && claims.aud.value == [Self.issuer])
    }

    /// The classic confusion: HS256 "signed" with the public key's bytes as the secret, under the RSA key's id.
    @Test func algorithmConfusionIsRefused() async throws {
        let (tokens, key) = try await service(.rs256)
        guard case .rsa(let rsa) = key.material else { Issue.record("not RSA"); return }
        let claims = TokenServiceTests.claims()
        for secret in [rsa.publicKey.pemRepresentation, try Self.jwksJSON(await tokens.publishedKeys())] {
            let forged = TokenServiceTests.sign(header: ["alg": "HS256", "kid": key.kid, "typ": "at+jwt"], claims: claims, key: Array(secret.utf8))
            await expect(.unsupportedAlgorithm, tokens, forged)
        }
        // `none`, and an algorithm of the same family that is not the key's.
        let unsigned = TokenServiceTests.base64(["alg": "none", "kid": key.kid, "typ": "at+jwt"]) + "." + TokenServiceTests.base64(claims) + "."
        await expect(.unsupportedAlgorithm, tokens, unsigned)
        await expect(.unsupportedAlgorithm, tokens, try await Self.resign(try await tokens.issueAccessToken(.init(userID: "u", sessionID: "s", scopes: [.me])), alg: "RS512"))
    }

    /// `jku`, `jwk` and `x5u` are never followed: a token signed by an attacker's key, naming ours
    /// by `kid` and carrying its own key or a URL to it, fails on the signature.
    @Test func keysNamedByTheTokenAreIgnored() async throws {
        let (tokens, key) = try await service(.es256)
        let attacker = JWTKeyCollection()
        let evil = ES256PrivateKey()
        await attacker.add(ecdsa: evil, kid: JWKIdentifier(string: key.kid))
        var header = JWTHeader()
        header.typ = "at+jwt"
        header.jku = "https://attacker.example/jwks.json"
        header.x5u = "https://attacker.example/cert.pem"
        let parameters = try #require(evil.publicKey.parameters)
        header.jwk = ["kty": "EC", "crv": "P-256", "x": .string(parameters.x), "y": .string(parameters.y)]
        let claims = AccessClaims(
            sub: "u", sid: "s", scope: "me", iss: .init(value: Self.issuer), aud: .init(value: Self.issuer), iat: .init(value: Date()),
            exp: .init(value: Date().addingTimeInterval(600)), jti: "j")
        let forged = try await attacker.sign(claims, kid: JWKIdentifier(string: key.kid), header: header)
        await expect(.badSignature, tokens, forged)
    }

    @Test func unknownAndCraftedKeyIDsAreRefused() async throws {
        let (tokens, _) = try await service(.eddsa)
        let good = try await tokens.issueAccessToken(.init(userID: "u", sessionID: "s", scopes: [.me]))
        for kid in ["", "other", "../../../etc/passwd", "' OR 1=1 --", String(repeating: "k", count: 4000)] {
            let parts = good.split(separator: ".")
            let header = TokenServiceTests.base64(["alg": "EdDSA", "kid": kid, "typ": "at+jwt"])
            await expect(.unknownKey, tokens, "\(header).\(parts[1]).\(parts[2])")
        }
    }

    /// A JWT the key signed with another `typ` (an ID token's `JWT`) is not an access token.
    @Test func onlyAccessTokensAreAccessTokens() async throws {
        let (tokens, key) = try await service(.rs256)
        let collection = JWTKeyCollection()
        await key.add(to: collection)
        let claims = AccessClaims(
            sub: "u", sid: "s", scope: "me", iss: .init(value: Self.issuer), aud: .init(value: Self.issuer), iat: .init(value: Date()),
            exp: .init(value: Date().addingTimeInterval(600)), jti: "j")
        for typ in ["JWT", "id+jwt", ""] {
            var header = JWTHeader()
            header.typ = typ
            await expect(.wrongType, tokens, try await collection.sign(claims, kid: JWKIdentifier(string: key.kid), header: header))
        }
        var header = JWTHeader()
        header.typ = "at+jwt"
        #expect(try await tokens.verify(try await collection.sign(claims, kid: JWKIdentifier(string: key.kid), header: header)).sid == "s")
    }

    /// With `--jwt-secret`, access tokens are HS256 and the asymmetric key still has its place in the set.
    @Test func aConfiguredSecretSignsAccessTokens() async throws {
        let (tokens, key) = try await service(.es256, configured: TokenServiceTests.configured)
        let token = try await tokens.issueAccessToken(.init(userID: "u", sessionID: "s", scopes: [.me]))
        let header = try #require(TokenServiceTests.json(token.split(separator: ".")[0]))
        #expect(header["alg"] as? String == "HS256" && header["typ"] as? String == "JWT")
        #expect(await tokens.publishedKeys().map(\.kid) == [key.kid])
        #expect(try await tokens.verify(token).sub.value == "u")
    }

    /// A retired key verifies, and stays in the set, until every token it signed has expired.
    @Test func aRetiredKeyLeavesTheSetWhenItsTokensHaveExpired() async throws {
        let clock = ManualClock()
        let old = try SigningKey.generate(.rs256)
        let new = try SigningKey.generate(.es256)
        let before = await TokenService(
            configured: nil, stored: [.init(key: old, createdAt: clock.now, retiredAt: nil)], accessTokenTTL: 60, issuer: Self.issuer,
            clock: clock.appClock)
        let token = try await before.issueAccessToken(.init(userID: "u", sessionID: "s", scopes: [.me]))
        let stored: [SigningKeyRepository.Entry] = [
            .init(key: new, createdAt: clock.now, retiredAt: nil), .init(key: old, createdAt: clock.now, retiredAt: clock.now),
        ]
        let after = await TokenService(configured: nil, stored: stored, accessTokenTTL: 60, issuer: Self.issuer, clock: clock.appClock)
        #expect(Set(await after.publishedKeys().map(\.kid)) == [old.kid, new.kid])
        #expect(try await after.verify(token).sub.value == "u")
        #expect(TokenServiceTests.json(try await after.issueAccessToken(.init(userID: "u", sessionID: "s", scopes: [.me])).split(separator: ".")[0])?["kid"] as? String == new.kid)
        // Past the tokens' lifetime, within the margin for late signers and clocks: still there.
        clock.advance(by: 61)
        await after.install(stored)
        #expect(Set(await after.publishedKeys().map(\.kid)) == [old.kid, new.kid])
        clock.advance(by: TokenService.retirementMargin)
        await after.install(stored)
        #expect(await after.publishedKeys().map(\.kid) == [new.kid])
        await expect(.unknownKey, after, token)
    }

    /// A stored HS256 key verifies only as v3's retired key: a row that claims to sign is ignored.
    @Test func aStoredHMACKeyThatClaimsToSignVerifiesNothing() async throws {
        let secret = Array("a-secret-someone-wrote-into-the-database".utf8)
        let planted = SigningKey(kid: "planted", material: .hmac(secret))
        let tokens = await TokenService(
            configured: nil, stored: [.init(key: try SigningKey.generate(.es256), createdAt: Date(), retiredAt: nil), .init(key: planted, createdAt: Date(), retiredAt: nil)],
            accessTokenTTL: 900, issuer: Self.issuer)
        var claims = TokenServiceTests.claims()
        claims["iss"] = TokenService.legacyIssuer
        claims["aud"] = TokenService.legacyAudience
        await expect(.unknownKey, tokens, TokenServiceTests.sign(header: ["alg": "HS256", "kid": "planted"], claims: claims, key: secret))
    }

    // MARK: helpers

    func expect(_ reason: TokenRejection, _ tokens: TokenService, _ token: String, sourceLocation: SourceLocation = #_sourceLocation) async {
        await TokenServiceTests().expectRejection(reason, tokens, token, sourceLocation: sourceLocation)
    }

    static func jwksJSON(_ keys: [PublicJWK]) throws -> String {
        let objects: [[String: String]] = keys.map { key in
            var object = ["kty": key.kty, "kid": key.kid, "alg": key.alg, "use": key.use]
            for (name, value) in [("n", key.n), ("e", key.e), ("crv", key.crv), ("x", key.x), ("y", key.y)] { object[name] = value }
            return object
        }
        return String(decoding: try JSONSerialization.data(withJSONObject: ["keys": objects]), as: UTF8.self)
    }

    /// The token with its header's `alg` replaced (the signature left as it was).
    static func resign(_ token: String, alg: String) async throws -> String {
        let parts = token.split(separator: ".")
        var header = try #require(TokenServiceTests.json(parts[0]))
        header["alg"] = alg
        return "\(TokenServiceTests.base64(header)).\(parts[1]).\(parts[2])"
    }
}
