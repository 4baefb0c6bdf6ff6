import Crypto
import Foundation
import Testing

@testable import TaskManager

@Suite struct TokenServiceTests {
    static let secret = Array("an-hs256-test-secret-of-32-bytes-or-more".utf8)
    static let kid = TokenService.kid(forSecret: secret)
    /// The test apps' issuer, so router tests can forge tokens with these helpers.
    static let issuer = testConfiguration().publicURL
    static let configured = SigningKey(kid: kid, material: .hmac(secret))

    func service(ttl: Int = 900) async -> TokenService {
        await TokenService(configured: Self.configured, accessTokenTTL: ttl, issuer: Self.issuer)
    }

    @Test func issuedTokenCarriesEveryClaim() async throws {
        let tokens = await service()
        let token = try await tokens.issueAccessToken(.init(userID: "user-1", sessionID: "session-1", scopes: [.tasksRead, .me]))
        let claims = try await tokens.verify(token)
        #expect(claims.sub.value == "user-1")
        #expect(claims.sid == "session-1")
        #expect(claims.scope == "me tasks:read")
        #expect(claims.iss.value == Self.issuer)
        #expect(claims.aud.value == [Self.issuer])
        #expect(claims.clientID == "taskmanager")
        #expect(claims.authTime == Int(claims.iat.value.timeIntervalSince1970))
        // Whole seconds.
        #expect(claims.iat.value.timeIntervalSince1970 == claims.iat.value.timeIntervalSince1970.rounded())
        #expect(abs(claims.exp.value.timeIntervalSince(claims.iat.value) - 900) < 1)
        #expect(!claims.jti.value.isEmpty)
        let header = try #require(Self.json(token.split(separator: ".")[0]))
        #expect(header["alg"] as? String == "HS256")
        #expect(header["kid"] as? String == Self.kid)
        #expect(header["typ"] as? String == "JWT")
    }

    /// Tokens signed before v4 (issuer `taskmanager`, audience `taskmanager-api`) by an HS256 key
    /// keep verifying until they expire: an upgrade logs nobody out.
    @Test func tokensOfTheReleaseBeforeStillVerify() async throws {
        let tokens = await service()
        var claims = Self.claims()
        claims["iss"] = "taskmanager"
        claims["aud"] = "taskmanager-api"
        #expect(try await tokens.verify(Self.sign(header: ["alg": "HS256", "kid": Self.kid], claims: claims)).sid == "session-1")
        // But not a mix of the two.
        claims["aud"] = Self.issuer
        await expectRejection(.wrongIssuer, tokens, Self.sign(header: ["alg": "HS256", "kid": Self.kid], claims: claims))
    }

    @Test func everyJTIIsNew() async throws {
        let tokens = await service()
        let first = try await tokens.verify(try await tokens.issueAccessToken(.init(userID: "u", sessionID: "s", scopes: [.me])))
        let second = try await tokens.verify(try await tokens.issueAccessToken(.init(userID: "u", sessionID: "s", scopes: [.me])))
        #expect(first.jti != second.jti)
    }

    @Test func rejectsABadSignature() async throws {
        let tokens = await service()
        let token = try await tokens.issueAccessToken(.init(userID: "u", sessionID: "s", scopes: [.me]))
        var parts = token.split(separator: ".").map(String.init)
        parts[2] = String(parts[2].reversed())
        await expectRejection(.badSignature, tokens, parts.joined(separator: "."))
        // Signed with another key under the same kid.
        let forged = Self.sign(header: ["alg": "HS256", "kid": Self.kid], claims: Self.claims(), key: Array("another-secret-of-at-least-32-bytes!!".utf8))
        await expectRejection(.badSignature, tokens, forged)
    }

    @Test func rejectsMalformedTokens() async {
        let tokens = await service()
        for token in ["", "abc", "a.b", "a.b.c", "....", "eyJhbGciOiJIUzI1NiJ9.e30", String(repeating: "a.", count: 5000)] {
            await expectRejection(.malformed, tokens, token)
        }
        // A well-signed token whose claims lack `sid`.
        var claims = Self.claims()
        claims["sid"] = nil
        await expectRejection(.malformed, tokens, Self.sign(header: ["alg": "HS256", "kid": Self.kid], claims: claims))
    }

    @Test func rejectsAnExpiredToken() async throws {
        let tokens = await service()
        let old = try await tokens.issueAccessToken(
            .init(userID: "u", sessionID: "s", scopes: [.me]), now: Date().addingTimeInterval(-901))
        await expectRejection(.expired, tokens, old)
    }

    /// A token verified once is still checked for expiry each time, and a changed copy of it is
    /// verified on its own (the cache is keyed by the exact text).
    @Test func aVerifiedTokenStillExpiresAndItsForgeriesStillFail() async throws {
        let clock = ManualClock()
        let tokens = await TokenService(configured: Self.configured, accessTokenTTL: 60, issuer: Self.issuer, clock: clock.appClock)
        let token = try await tokens.issueAccessToken(.init(userID: "u", sessionID: "s", scopes: [.me]))
        #expect(try await tokens.verify(token).sid == "s")
        #expect(try await tokens.verify(token).sid == "s")
        // One signature character changed, away from the last (whose low bits are padding).
        var forged = Array(token)
        forged[forged.count - 5] = forged[forged.count - 5] == "A" ? "B" : "A"
        let forgedToken = String(forged)
        await expectRejection(.badSignature, tokens, forgedToken)
        let parts = token.split(separator: ".")
        let otherClaims = Self.base64(Self.claims().merging(["sid": "someone else's"]) { $1 })
        await expectRejection(.badSignature, tokens, "\(parts[0]).\(otherClaims).\(parts[2])")
        clock.advance(by: 61)
        await expectRejection(.expired, tokens, token)
    }

    @Test func rejectsOtherAlgorithmsIncludingNone() async {
        let tokens = await service()
        let unsigned = Self.base64(["alg": "none", "kid": Self.kid]) + "." + Self.base64(Self.claims()) + "."
        await expectRejection(.unsupportedAlgorithm, tokens, unsigned)
        await expectRejection(
            .unsupportedAlgorithm, tokens, Self.sign(header: ["alg": "HS512", "kid": Self.kid], claims: Self.claims()))
        await expectRejection(.unsupportedAlgorithm, tokens, Self.sign(header: ["kid": Self.kid], claims: Self.claims()))
    }

    @Test func rejectsAMissingOrUnknownKid() async {
        let tokens = await service()
        await expectRejection(.unknownKey, tokens, Self.sign(header: ["alg": "HS256"], claims: Self.claims()))
        await expectRejection(.unknownKey, tokens, Self.sign(header: ["alg": "HS256", "kid": "other"], claims: Self.claims()))
    }

    @Test func rejectsAWrongIssuerOrAudience() async {
        let tokens = await service()
        var claims = Self.claims()
        claims["iss"] = "someone-else"
        await expectRejection(.wrongIssuer, tokens, Self.sign(header: ["alg": "HS256", "kid": Self.kid], claims: claims))
        claims = Self.claims()
        claims["aud"] = "another-api"
        await expectRejection(.wrongAudience, tokens, Self.sign(header: ["alg": "HS256", "kid": Self.kid], claims: claims))
    }

    @Test func acceptsAHandSignedTokenOfTheRightShape() async throws {
        // The forging helpers above make tokens this service accepts when nothing is wrong,
        // so each rejection test fails for the one reason it names.
        let tokens = await service()
        let claims = try await tokens.verify(Self.sign(header: ["alg": "HS256", "kid": Self.kid], claims: Self.claims()))
        #expect(claims.sid == "session-1")
    }

    // MARK: helpers

    func expectRejection(_ reason: TokenRejection, _ tokens: TokenService, _ token: String, sourceLocation: SourceLocation = #_sourceLocation) async {
        do {
            _ = try await tokens.verify(token)
            Issue.record("token was accepted", sourceLocation: sourceLocation)
        } catch {
            #expect(error == reason, sourceLocation: sourceLocation)
        }
    }

    static func claims() -> [String: Any] {
        let now = Date().timeIntervalSince1970
        return [
            "sub": "user-1", "sid": "session-1", "scope": "me", "iss": issuer, "aud": issuer,
            "iat": now, "exp": now + 600, "jti": UUID().uuidString,
        ]
    }

    static func base64(_ object: [String: Any]) -> String {
        Base64URL.encode(try! JSONSerialization.data(withJSONObject: object))
    }

    static func sign(header: [String: Any], claims: [String: Any], key: [UInt8] = secret) -> String {
        let input = base64(header) + "." + base64(claims)
        let mac = HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: SymmetricKey(data: key))
        return input + "." + Base64URL.encode(Data(mac))
    }

    static func json(_ part: Substring) -> [String: Any]? {
        Base64URL.decode(part).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
    }
}
