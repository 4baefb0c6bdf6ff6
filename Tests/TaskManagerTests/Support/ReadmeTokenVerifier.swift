// The README's "Verify TaskManager's tokens in your own service", in Swift: the code between the
// markers is the README's block, character for character (`ResourceServerTests` compares them and
// runs it against the server).
// README begin
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import JWTKit

struct TaskManagerAccessToken: JWTPayload {
    var iss: IssuerClaim, aud: AudienceClaim, exp: ExpirationClaim, sub: SubjectClaim, scope: String
    func verify(using algorithm: some JWTAlgorithm) throws { try exp.verifyNotExpired() }
}

/// The token's subject (a user id), once its signature, issuer, audience and expiry check out.
func verifyTaskManagerToken(_ token: String, issuer: String) async throws -> String {
    let (jwks, _) = try await URLSession.shared.data(from: URL(string: issuer + "/.well-known/jwks.json")!)
    let keys = JWTKeyCollection()
    try await keys.add(jwksJSON: String(decoding: jwks, as: UTF8.self))
    let claims = try await keys.verify(token, as: TaskManagerAccessToken.self)
    guard claims.iss.value == issuer, claims.aud.value.contains(issuer) else { throw JWTError.claimVerificationFailure(failedClaim: claims.iss, reason: "not ours") }
    return claims.sub.value
}
// README end
