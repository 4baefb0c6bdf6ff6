import Foundation
import JWTKit

/// The claims of an access token (RFC 9068 §2.2). Decoding fails when a required one is missing or
/// of the wrong type; issuer, audience and expiry are checked by `TokenService`.
struct AccessClaims: JWTPayload, Equatable {
    var sub: SubjectClaim
    var sid: String
    var scope: String
    var iss: IssuerClaim
    var aud: AudienceClaim
    var iat: IssuedAtClaim
    var exp: ExpirationClaim
    var jti: IDClaim
    /// RFC 8176: how the user signed in. Optional so that tokens signed before it existed still verify.
    var amr: [String]? = nil
    /// The client that obtained the token (`taskmanager` for the password grant); absent before v4.
    var clientID: String? = nil
    /// When the person last entered their password, in seconds; absent before v4.
    var authTime: Int? = nil

    enum CodingKeys: String, CodingKey {
        case sub, sid, scope, iss, aud, iat, exp, jti, amr
        case clientID = "client_id"
        case authTime = "auth_time"
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// The claims of an ID token (OpenID Connect Core §2, §3.1.3.6). Unset profile claims are left out.
struct IDTokenClaims: JWTPayload, Equatable {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var iat: IssuedAtClaim
    var exp: ExpirationClaim
    var authTime: Int
    var nonce: String?
    var amr: [String]
    var sid: String
    var atHash: String
    var preferredUsername: String?
    var name: String?

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, iat, exp, nonce, amr, sid, name
        case authTime = "auth_time"
        case atHash = "at_hash"
        case preferredUsername = "preferred_username"
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// Why a bearer token was refused. Every reason answers the client alike (401 invalid_token);
/// the reason is for logs and tests.
enum TokenRejection: Error, Equatable {
    case malformed
    case unsupportedAlgorithm
    case unknownKey
    case badSignature
    case expired
    case wrongIssuer
    case wrongAudience
    /// Signed by the asymmetric key, but not typed `at+jwt` (RFC 9068 §4): not an access token.
    case wrongType
}
