import Crypto
import Foundation
import JWTKit
import Synchronization

/// Issues and verifies access tokens — RFC 9068 JWTs signed with the asymmetric key whose public
/// half the JWK Set publishes, or HS256 with `--jwt-secret` — and issues ID tokens, always with the
/// asymmetric key.
///
/// JWTKit falls back to a default key when a token's `kid` is missing or unknown, and verifies with
/// the key's own algorithm whatever the header's `alg` says; so the `kid` must name a key of the
/// ring and the `alg` must be that key's before any signature is checked (an HS256 token under an
/// RSA key's id — algorithm confusion — is refused there). `jku`, `jwk` and `x5u` are never read:
/// keys come only from the ring. Keys kept in the database are re-read at most once a second when
/// signing, and when a token names a key not seen yet, so a `taskmanager keys rotate` reaches every
/// process within a second.
final class TokenService: Sendable {
    private struct KeyRing: Sendable {
        var collection: JWTKeyCollection
        /// Every key that verifies, by id, with its algorithm.
        var algorithms: [String: SigningAlgorithm]
        /// The key that signs access tokens (the configured secret, else the asymmetric key), and
        /// the asymmetric key that signs (kept in the database, generated at first start).
        var accessKey: SigningKey?
        var asymmetricKey: SigningKey?
        /// The public halves of the asymmetric keys that verify, the JWK Set's.
        var published: [PublicJWK]
        var loadedAt: Date
    }

    let accessTokenTTL: Int
    /// ID tokens live as long as access tokens, and at most an hour.
    var idTokenTTL: Int { min(accessTokenTTL, 3600) }
    /// The public URL: every token's `iss`, and the audience of access tokens.
    let issuer: String
    private let configured: SigningKey?
    private let ring: Mutex<KeyRing>
    /// Where to re-read the stored keys from; `nil` when none are kept (unit tests).
    private let reload: (@Sendable () async throws -> [SigningKeyRepository.Entry])?
    private let clock: AppClock
    /// Headers already decoded, by their encoded text: every token one key signs has the same
    /// header, so most requests skip a JSON decode. Bounded, so made-up headers cannot grow it.
    private let knownHeaders = Mutex<[Substring: Header]>([:])
    private static let knownHeadersLimit = 64
    /// Tokens whose signature and claims were verified, by their exact text: a client sends the same
    /// token for its whole life, so each is decoded and its signature checked once, not on every
    /// request. Expiry and the key's presence in the ring are still checked every time; a hit skips
    /// even the header's parse. Bounded: a full cache starts again (about 400 bytes an entry).
    private let verified = Mutex<[String: (claims: AccessClaims, kid: String)]>([:])
    private static let verifiedLimit = 4_096

    /// Issuer and audience of the tokens signed before v4, which keep verifying (HS256 only) until they expire.
    /// How soon a token naming an unknown key makes the ring be read again.
    static let unknownKeyReloadInterval: TimeInterval = 0.1

    static let legacyIssuer = "taskmanager"
    static let legacyAudience = "taskmanager-api"

    /// - Parameters:
    ///   - configured: the `--jwt-secret` key, which signs access tokens when given.
    ///   - stored: the database's keys (`SigningKeyRepository.all()`), newest signing key first;
    ///     empty until `install` when the server starts.
    init(
        configured: SigningKey?, stored: [SigningKeyRepository.Entry] = [], accessTokenTTL: Int, issuer: String,
        clock: AppClock = .system, reload: (@Sendable () async throws -> [SigningKeyRepository.Entry])? = nil
    ) async {
        self.accessTokenTTL = accessTokenTTL
        self.issuer = issuer
        self.configured = configured
        self.clock = clock
        self.reload = reload
        self.ring = Mutex(await Self.ring(configured: configured, stored: stored, lifetime: accessTokenTTL, at: clock.now()))
    }

    /// Replaces the stored keys.
    func install(_ stored: [SigningKeyRepository.Entry]) async {
        let fresh = await Self.ring(configured: configured, stored: stored, lifetime: accessTokenTTL, at: clock.now())
        ring.withLock { $0 = fresh }
    }

    /// A retired key verifies (and is published) until every token it signed has expired: its
    /// lifetime after the retirement, plus a margin for the second other processes may still sign
    /// with it and for clocks that differ between hosts. A stored HS256 key verifies only as the
    /// retired key of v3 (one that claims to sign was not written by this version).
    private static func verifying(_ stored: [SigningKeyRepository.Entry], lifetime: Int, at date: Date) -> [SigningKey] {
        stored.filter { entry in
            guard let retiredAt = entry.retiredAt else { return entry.key.algorithm.isAsymmetric }
            return retiredAt.addingTimeInterval(Double(lifetime) + retirementMargin) > date
        }.map(\.key)
    }

    static let retirementMargin: TimeInterval = 60

    private static func ring(configured: SigningKey?, stored: [SigningKeyRepository.Entry], lifetime: Int, at date: Date) async
        -> KeyRing
    {
        let keys = (configured.map { [$0] } ?? []) + verifying(stored, lifetime: lifetime, at: date)
        let collection = JWTKeyCollection()
        var algorithms: [String: SigningAlgorithm] = [:]
        for key in keys where algorithms[key.kid] == nil {
            await key.add(to: collection)
            algorithms[key.kid] = key.algorithm
        }
        // A token's `kid` is matched here before JWTKit sees it; without a default, JWTKit cannot fall back either.
        await collection.clearDefault()
        let asymmetricKey = stored.first { $0.retiredAt == nil && $0.key.algorithm.isAsymmetric }?.key
        return KeyRing(
            collection: collection, algorithms: algorithms, accessKey: configured ?? asymmetricKey, asymmetricKey: asymmetricKey,
            published: keys.compactMap(\.publicJWK), loadedAt: date)
    }

    /// The key id for a configured secret: a domain-separated digest, so it names the key without revealing it.
    static func kid(forSecret secret: [UInt8]) -> String {
        let digest = SHA256.hash(data: Array("taskmanager-kid:".utf8) + secret)
        return digest.prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// The algorithm ID tokens are signed with (the asymmetric key's), for the discovery document.
    var identityAlgorithm: SigningAlgorithm? { ring.withLock { $0.asymmetricKey?.algorithm } }

    /// The JWK Set: every public key that may still verify a live token.
    func publishedKeys() async -> [PublicJWK] {
        await reloadIfStale(now: clock.now())
        return ring.withLock { $0.published }
    }

    /// What an access token says of its session and how it was obtained.
    struct AccessGrant: Sendable {
        var userID: String
        var sessionID: String
        var scopes: [Scope]
        var amr: [AuthMethod] = [.password]
        /// The client that obtained it; `nil` for the password grant without a client.
        var clientID: String? = nil
        /// When the person last entered their password (the session's start); `nil`: now.
        var authTime: Date? = nil
        /// What the token is for: its `aud`.
        var resource = ProtectedResource.api
    }

    /// The `client_id` (and ID-token audience) of tokens obtained without a client (the password grant).
    static let defaultClientID = "taskmanager"

    func issueAccessToken(_ grant: AccessGrant, now: Date? = nil) async throws -> String {
        let moment = now ?? clock.now()
        await reloadIfStale(now: moment)
        let now = Self.wholeSeconds(moment)
        let (collection, key) = ring.withLock { ($0.collection, $0.accessKey) }
        guard let key else { throw APIError.internalError }
        let claims = AccessClaims(
            sub: SubjectClaim(value: grant.userID),
            sid: grant.sessionID,
            scope: Scope.joined(grant.scopes),
            iss: IssuerClaim(value: issuer),
            aud: AudienceClaim(value: grant.resource.identifier(publicURL: issuer)),
            iat: IssuedAtClaim(value: now),
            exp: ExpirationClaim(value: now.addingTimeInterval(Double(accessTokenTTL))),
            jti: IDClaim(value: UUID().uuidString.lowercased()),
            amr: grant.amr.map(\.rawValue),
            clientID: grant.clientID ?? Self.defaultClientID,
            authTime: Int((grant.authTime ?? now).timeIntervalSince1970))
        var header = JWTHeader()
        // RFC 9068 §2.1: `at+jwt` tells an access token from an ID token; HS256 tokens stay as in v1.
        header.typ = key.algorithm.isAsymmetric ? "at+jwt" : "JWT"
        return try await collection.sign(claims, kid: JWKIdentifier(string: key.kid), header: header)
    }

    /// An ID token (OpenID Connect Core §2) for `accessToken`'s grant, audience the client.
    func issueIDToken(
        _ grant: AccessGrant, accessToken: String, nonce: String?, profile: (username: String, name: String?)?, now: Date? = nil
    ) async throws -> String {
        let moment = now ?? clock.now()
        await reloadIfStale(now: moment)
        let now = Self.wholeSeconds(moment)
        let (collection, key) = ring.withLock { ($0.collection, $0.asymmetricKey) }
        guard let key else { throw APIError.internalError }
        let claims = IDTokenClaims(
            iss: IssuerClaim(value: issuer), sub: SubjectClaim(value: grant.userID),
            aud: AudienceClaim(value: grant.clientID ?? Self.defaultClientID), iat: IssuedAtClaim(value: now),
            exp: ExpirationClaim(value: now.addingTimeInterval(Double(idTokenTTL))),
            authTime: Int((grant.authTime ?? now).timeIntervalSince1970), nonce: nonce, amr: grant.amr.map(\.rawValue),
            sid: grant.sessionID, atHash: key.leftHalfHash(of: accessToken), preferredUsername: profile?.username,
            name: profile?.name)
        return try await collection.sign(claims, kid: JWKIdentifier(string: key.kid), header: JWTHeader())
    }

    private static func wholeSeconds(_ date: Date) -> Date { Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)) }

    /// A live access token of ours, made for `resource` (`nil`: for any of ours, as revocation and
    /// introspection take them).
    func verify(_ token: String, for resource: ProtectedResource?) async throws(TokenRejection) -> AccessClaims {
        let claims = try await verify(token)
        guard resource == nil || self.resource(of: claims) == resource else { throw .wrongAudience }
        return claims
    }

    /// The resource a token's claims make it for; `nil` for none of ours.
    func resource(of claims: AccessClaims) -> ProtectedResource? {
        if claims.iss.value == Self.legacyIssuer { return .api }
        return ProtectedResource.allCases.first { claims.aud.value.contains($0.identifier(publicURL: issuer)) }
    }

    /// A live access token of ours, for any resource.
    func verify(_ token: String) async throws(TokenRejection) -> AccessClaims {
        let now = clock.now()
        // A token verified before, whose key is still in the ring (a retired key's tokens take the
        // long way below, which reloads the keys and refuses them).
        if let hit = verified.withLock({ $0[token] }), ring.withLock({ $0.algorithms[hit.kid] != nil }) {
            guard hit.claims.exp.value > now else { throw .expired }
            return hit.claims
        }
        let header = try header(of: token)
        guard let kid = header.kid else { throw .unknownKey }
        var algorithm = ring.withLock { $0.algorithms[kid] }
        if algorithm == nil {
            // Another process may sign with a key this one has not read yet: look sooner than for
            // signing, but not on every made-up kid.
            await reloadIfStale(now: now, after: Self.unknownKeyReloadInterval)
            algorithm = ring.withLock { $0.algorithms[kid] }
        }
        guard let algorithm else { throw .unknownKey }
        guard header.alg == algorithm.rawValue else { throw .unsupportedAlgorithm }
        // An ID token (`typ: JWT`) is not an access token, though the same key signs both.
        if algorithm.isAsymmetric, !["at+jwt", "application/at+jwt"].contains(header.typ?.lowercased() ?? "") { throw .wrongType }
        let collection = ring.withLock { $0.collection }
        let claims: AccessClaims
        do {
            claims = try await collection.verify(token, as: AccessClaims.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw .badSignature
        } catch {
            throw .malformed
        }
        let current = claims.iss.value == issuer && resource(of: claims) != nil
        let legacy = algorithm == .hs256 && claims.iss.value == Self.legacyIssuer && claims.aud.value.contains(Self.legacyAudience)
        guard current || legacy else { throw claims.iss.value == issuer ? .wrongAudience : .wrongIssuer }
        guard claims.exp.value > now else { throw .expired }
        verified.withLock { verified in
            if verified.count >= Self.verifiedLimit { verified.removeAll(keepingCapacity: true) }
            verified[token] = (claims, kid)
        }
        return claims
    }

    /// An ID token this server issued, expired or not (RP-Initiated Logout's `id_token_hint`): its
    /// claims when a key of the ring signed it with that key's own algorithm, typed as an ID token
    /// (not `at+jwt`), with this issuer. `nil` for anything else, `alg: none` and forgeries included.
    func verifyIDTokenHint(_ token: String) async -> IDTokenClaims? {
        guard let header = try? header(of: token), let kid = header.kid else { return nil }
        if ring.withLock({ $0.algorithms[kid] == nil }) {
            await reloadIfStale(now: clock.now(), after: Self.unknownKeyReloadInterval)
        }
        guard let algorithm = ring.withLock({ $0.algorithms[kid] }), algorithm.isAsymmetric, header.alg == algorithm.rawValue,
            !["at+jwt", "application/at+jwt"].contains(header.typ?.lowercased() ?? "")
        else { return nil }
        let collection = ring.withLock { $0.collection }
        // `IDTokenClaims.verify` checks no time: an expired hint is still a hint.
        guard let claims = try? await collection.verify(token, as: IDTokenClaims.self), claims.iss.value == issuer else { return nil }
        return claims
    }

    /// Re-reads database-kept keys when the ring is older than `interval` (a second when signing).
    private func reloadIfStale(now: Date, after interval: TimeInterval = 1) async {
        guard let reload else { return }
        // Checked and claimed at once: one reload an interval, however many requests ask.
        let due = ring.withLock { ring in
            guard now.timeIntervalSince(ring.loadedAt) >= interval else { return false }
            ring.loadedAt = now
            return true
        }
        guard due else { return }
        guard let stored = try? await reload() else { return }
        let wanted = Set(Self.verifying(stored, lifetime: accessTokenTTL, at: now).map(\.kid)).union(configured.map { [$0.kid] } ?? [])
        let signing = stored.first { $0.retiredAt == nil && $0.key.algorithm.isAsymmetric }?.key.kid
        let current = ring.withLock { (Set($0.algorithms.keys), $0.asymmetricKey?.kid) }
        guard current.0 != wanted || current.1 != signing else { return }
        let fresh = await Self.ring(configured: configured, stored: stored, lifetime: accessTokenTTL, at: now)
        ring.withLock { $0 = fresh }
    }

    private struct Header: Decodable {
        var alg: String?
        var kid: String?
        var typ: String?
    }

    private func header(of token: String) throws(TokenRejection) -> Header {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, token.utf8.count <= 8192 else { throw .malformed }
        if let known = knownHeaders.withLock({ $0[parts[0]] }) { return known }
        guard let data = Base64URL.decode(parts[0]), let header = try? JSONDecoder().decode(Header.self, from: data)
        else { throw .malformed }
        // Only headers of our own keys are kept: made-up ones cannot crowd them out.
        if let kid = header.kid, let algorithm = ring.withLock({ $0.algorithms[kid] }), header.alg == algorithm.rawValue {
            knownHeaders.withLock { known in
                if known.count < Self.knownHeadersLimit { known[parts[0]] = header }
            }
        }
        return header
    }
}
