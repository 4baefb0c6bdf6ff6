import Crypto
import Foundation
import JWTKit
import Synchronization

/// Issues and verifies HS256 access tokens.
///
/// JWTKit falls back to its default key when a token's `kid` is missing or unknown, and does not
/// compare the header's `alg` with the key's; both are checked here before the signature is.
/// Keys kept in the database are re-read at most once a second when signing, and when a token
/// names a key not seen yet, so a `taskmanager keys rotate` reaches every process within a second.
final class TokenService: Sendable {
    static let algorithm = "HS256"

    struct SigningKey: Sendable, Equatable {
        var kid: String
        var secret: [UInt8]
    }

    private struct KeyRing: Sendable {
        var collection: JWTKeyCollection
        var signingKid: String
        var kids: Set<String>
        var loadedAt: Date
    }

    let accessTokenTTL: Int
    private let ring: Mutex<KeyRing>
    /// Where to re-read the keys from; `nil` for a configured secret, which never changes.
    private let reload: (@Sendable () async throws -> [SigningKey])?
    private let clock: AppClock
    /// Headers already decoded, by their encoded text: every token one key signs has the same
    /// header, so most requests skip a JSON decode. Bounded, so made-up headers cannot grow it.
    private let knownHeaders = Mutex<[Substring: Header]>([:])
    private static let knownHeadersLimit = 64
    /// Tokens whose signature and claims were verified, by their exact text: a client sends the same
    /// token for its whole life, so each is decoded and its HMAC checked once, not on every request.
    /// Expiry and the key's presence in the ring are still checked every time; a hit skips even the
    /// header's parse. Bounded: a full cache starts again (about 400 bytes an entry).
    private let verified = Mutex<[String: (claims: AccessClaims, kid: String)]>([:])
    private static let verifiedLimit = 4_096

    /// - Parameter signingKeys: newest first; the first signs, all of them verify. Empty when the
    ///   keys are kept in the database: `install` puts them in before the server starts.
    init(
        signingKeys: [SigningKey], accessTokenTTL: Int, clock: AppClock = .system,
        reload: (@Sendable () async throws -> [SigningKey])? = nil
    ) async {
        self.accessTokenTTL = accessTokenTTL
        self.clock = clock
        self.reload = reload
        self.ring = Mutex(await Self.ring(signingKeys, at: clock.now()))
    }

    /// Replaces the keys (newest first).
    func install(_ keys: [SigningKey]) async {
        let fresh = await Self.ring(keys, at: clock.now())
        ring.withLock { $0 = fresh }
    }

    private static func ring(_ keys: [SigningKey], at date: Date) async -> KeyRing {
        let collection = JWTKeyCollection()
        for key in keys {
            await collection.add(hmac: HMACKey(from: key.secret), digestAlgorithm: .sha256, kid: JWKIdentifier(string: key.kid))
        }
        return KeyRing(collection: collection, signingKid: keys.first?.kid ?? "", kids: Set(keys.map(\.kid)), loadedAt: date)
    }


    /// The key id for a secret: a domain-separated digest, so it names the key without revealing it.
    static func kid(forSecret secret: [UInt8]) -> String {
        let digest = SHA256.hash(data: Array("taskmanager-kid:".utf8) + secret)
        return digest.prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    func issueAccessToken(userID: String, sessionID: String, scopes: [Scope], amr: [AuthMethod] = [.password], now: Date? = nil)
        async throws -> String
    {
        let now = now ?? clock.now()
        await reloadIfStale(now: now)
        let (collection, kid) = ring.withLock { ($0.collection, $0.signingKid) }
        let claims = AccessClaims(
            sub: SubjectClaim(value: userID),
            sid: sessionID,
            scope: Scope.joined(scopes),
            iss: IssuerClaim(value: AccessClaims.issuer),
            aud: AudienceClaim(value: AccessClaims.audience),
            iat: IssuedAtClaim(value: now),
            exp: ExpirationClaim(value: now.addingTimeInterval(Double(accessTokenTTL))),
            jti: IDClaim(value: UUID().uuidString.lowercased()),
            amr: amr.map(\.rawValue))
        var header = JWTHeader()
        header.alg = Self.algorithm
        header.typ = "JWT"
        return try await collection.sign(claims, kid: JWKIdentifier(string: kid), header: header)
    }

    func verify(_ token: String) async throws(TokenRejection) -> AccessClaims {
        let now = clock.now()
        // A token verified before, whose key is still in the ring (a retired key's tokens take the
        // long way below, which reloads the keys and refuses them).
        if let hit = verified.withLock({ $0[token] }), ring.withLock({ $0.kids.contains(hit.kid) }) {
            guard hit.claims.exp.value > now else { throw .expired }
            return hit.claims
        }
        let header = try header(of: token)
        guard header.alg == Self.algorithm else { throw .unsupportedAlgorithm }
        guard let kid = header.kid else { throw .unknownKey }
        if !ring.withLock({ $0.kids.contains(kid) }) {
            await reloadIfStale(now: now)
            guard ring.withLock({ $0.kids.contains(kid) }) else { throw .unknownKey }
        }
        let collection = ring.withLock { $0.collection }
        let claims: AccessClaims
        do {
            claims = try await collection.verify(token, as: AccessClaims.self)
        } catch let rejection as TokenRejection {
            throw rejection
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw .badSignature
        } catch {
            throw .malformed
        }
        guard claims.exp.value > now else { throw .expired }
        verified.withLock { verified in
            if verified.count >= Self.verifiedLimit { verified.removeAll(keepingCapacity: true) }
            verified[token] = (claims, kid)
        }
        return claims
    }

    /// Re-reads database-kept keys when the ring is over a second old.
    private func reloadIfStale(now: Date) async {
        guard let reload, now.timeIntervalSince(ring.withLock { $0.loadedAt }) >= 1 else { return }
        ring.withLock { $0.loadedAt = now }  // one reload a second, however many requests ask
        guard let keys = try? await reload(), !keys.isEmpty else { return }
        let current = ring.withLock { ($0.signingKid, $0.kids) }
        guard current.0 != keys[0].kid || current.1 != Set(keys.map(\.kid)) else { return }
        let fresh = await Self.ring(keys, at: now)
        ring.withLock { $0 = fresh }
    }

    private struct Header: Decodable {
        var alg: String?
        var kid: String?
    }

    private func header(of token: String) throws(TokenRejection) -> Header {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, token.utf8.count <= 8192 else { throw .malformed }
        if let known = knownHeaders.withLock({ $0[parts[0]] }) { return known }
        guard let data = Base64URL.decode(parts[0]), let header = try? JSONDecoder().decode(Header.self, from: data)
        else { throw .malformed }
        // Only headers of our own keys are kept: made-up ones cannot crowd them out.
        if header.alg == Self.algorithm, let kid = header.kid, ring.withLock({ $0.kids.contains(kid) }) {
            knownHeaders.withLock { known in
                if known.count < Self.knownHeadersLimit { known[parts[0]] = header }
            }
        }
        return header
    }
}
