import Crypto
import Foundation
import JWTKit

/// Issues and verifies HS256 access tokens.
///
/// JWTKit falls back to its default key when a token's `kid` is missing or unknown, and does not
/// compare the header's `alg` with the key's; both are checked here before the signature is.
final class TokenService: Sendable {
    static let algorithm = "HS256"

    struct SigningKey: Sendable {
        var kid: String
        var secret: [UInt8]
    }

    let accessTokenTTL: Int
    let signingKid: String
    private let knownKids: Set<String>
    private let keys: JWTKeyCollection

    /// - Parameter signingKeys: newest first; the first signs, all of them verify.
    init(signingKeys: [SigningKey], accessTokenTTL: Int) async {
        precondition(!signingKeys.isEmpty, "at least one signing key")
        let keys = JWTKeyCollection()
        for key in signingKeys {
            await keys.add(hmac: HMACKey(from: key.secret), digestAlgorithm: .sha256, kid: JWKIdentifier(string: key.kid))
        }
        self.keys = keys
        self.signingKid = signingKeys[0].kid
        self.knownKids = Set(signingKeys.map(\.kid))
        self.accessTokenTTL = accessTokenTTL
    }

    /// The key id for a secret: a domain-separated digest, so it names the key without revealing it.
    static func kid(forSecret secret: [UInt8]) -> String {
        let digest = SHA256.hash(data: Array("taskmanager-kid:".utf8) + secret)
        return digest.prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    func issueAccessToken(userID: String, sessionID: String, scopes: [Scope], now: Date = Date()) async throws -> String {
        let claims = AccessClaims(
            sub: SubjectClaim(value: userID),
            sid: sessionID,
            scope: Scope.joined(scopes),
            iss: IssuerClaim(value: AccessClaims.issuer),
            aud: AudienceClaim(value: AccessClaims.audience),
            iat: IssuedAtClaim(value: now),
            exp: ExpirationClaim(value: now.addingTimeInterval(Double(accessTokenTTL))),
            jti: IDClaim(value: UUID().uuidString.lowercased()))
        var header = JWTHeader()
        header.alg = Self.algorithm
        header.typ = "JWT"
        return try await keys.sign(claims, kid: JWKIdentifier(string: signingKid), header: header)
    }

    func verify(_ token: String) async throws(TokenRejection) -> AccessClaims {
        let header = try Self.header(of: token)
        guard header.alg == Self.algorithm else { throw .unsupportedAlgorithm }
        guard let kid = header.kid, knownKids.contains(kid) else { throw .unknownKey }
        do {
            return try await keys.verify(token, as: AccessClaims.self)
        } catch let rejection as TokenRejection {
            throw rejection
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw .badSignature
        } catch {
            throw .malformed
        }
    }

    private struct Header: Decodable {
        var alg: String?
        var kid: String?
    }

    private static func header(of token: String) throws(TokenRejection) -> Header {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, token.utf8.count <= 8192, let data = Base64URL.decode(parts[0]),
            let header = try? JSONDecoder().decode(Header.self, from: data)
        else { throw .malformed }
        return header
    }
}
