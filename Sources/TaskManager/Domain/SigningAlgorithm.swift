/// The JWS algorithms the server signs with: HS256 with `--jwt-secret` (access tokens only, as in
/// v1), and the asymmetric ones whose public keys the JWK Set publishes (`--signing-alg`).
enum SigningAlgorithm: String, Sendable, CaseIterable, Equatable {
    case rs256 = "RS256"
    case es256 = "ES256"
    case eddsa = "EdDSA"
    case hs256 = "HS256"

    /// What `--signing-alg` may name.
    static let asymmetric: [SigningAlgorithm] = [.rs256, .es256, .eddsa]

    var isAsymmetric: Bool { self != .hs256 }
}
