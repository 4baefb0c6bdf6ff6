import Foundation
import JWTKit

/// The claims of an access token. Decoding fails when any is missing or of the wrong type.
struct AccessClaims: JWTPayload, Equatable {
    static let issuer = "taskmanager"
    static let audience = "taskmanager-api"

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

    /// Expiry is checked by `TokenService`, against its clock.
    func verify(using algorithm: some JWTAlgorithm) async throws {
        guard iss.value == Self.issuer else { throw TokenRejection.wrongIssuer }
        guard aud.value.contains(Self.audience) else { throw TokenRejection.wrongAudience }
    }
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
}
