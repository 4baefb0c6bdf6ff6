import Crypto
import CryptoExtras
import Foundation
import JWTKit

/// One key of the ring: its id, its algorithm and its private half (the secret, for HMAC). The
/// cryptography is jwt-kit's and swift-crypto's; this only names, stores and publishes keys.
struct SigningKey: Sendable {
    enum Material: Sendable {
        case hmac([UInt8])
        case rsa(JWTKit.Insecure.RSA.PrivateKey)
        case ecdsa(ES256PrivateKey)
        case eddsa(EdDSA.PrivateKey)
    }

    var kid: String
    var material: Material

    var algorithm: SigningAlgorithm {
        switch material {
        case .hmac: .hs256
        case .rsa: .rs256
        case .ecdsa: .es256
        case .eddsa: .eddsa
        }
    }

    /// A new key for `algorithm` (RSA 2048 for RS256, P-256 for ES256, Ed25519 for EdDSA, 256
    /// random bits for HS256), named by a random id.
    static func generate(_ algorithm: SigningAlgorithm) throws -> SigningKey {
        let material: Material
        switch algorithm {
        case .rs256: material = .rsa(try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048)))
        case .es256: material = .ecdsa(ES256PrivateKey())
        case .eddsa: material = .eddsa(try EdDSA.PrivateKey())
        case .hs256: material = .hmac(randomBytes(32))
        }
        return SigningKey(kid: Base64URL.encode(randomBytes(12)), material: material)
    }

    /// The private half as stored (before `SecretBox` seals it): PEM for the asymmetric keys, the
    /// secret's bytes for HMAC.
    var privateBytes: [UInt8] {
        switch material {
        case .hmac(let secret): secret
        case .rsa(let key): Array(key.pemRepresentation.utf8)
        case .ecdsa(let key): Array(key.pemRepresentation.utf8)
        case .eddsa(let key): Array(key.pemRepresentation.utf8)
        }
    }

    init(kid: String, material: Material) {
        self.kid = kid
        self.material = material
    }

    init(kid: String, algorithm: SigningAlgorithm, privateBytes: [UInt8]) throws {
        self.kid = kid
        switch algorithm {
        case .hs256: material = .hmac(privateBytes)
        case .rs256: material = .rsa(try JWTKit.Insecure.RSA.PrivateKey(pem: String(decoding: privateBytes, as: UTF8.self)))
        case .es256: material = .ecdsa(try ES256PrivateKey(pem: String(decoding: privateBytes, as: UTF8.self)))
        case .eddsa: material = .eddsa(try EdDSA.PrivateKey(pem: String(decoding: privateBytes, as: UTF8.self)))
        }
    }

    /// Adds the key to `collection` under its id; a private key also verifies.
    func add(to collection: JWTKeyCollection) async {
        let id = JWKIdentifier(string: kid)
        switch material {
        case .hmac(let secret): await collection.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256, kid: id)
        case .rsa(let key): await collection.add(rsa: key, digestAlgorithm: .sha256, kid: id)
        case .ecdsa(let key): await collection.add(ecdsa: key, kid: id)
        case .eddsa(let key): await collection.add(eddsa: key, kid: id)
        }
    }

    /// The public half as a JWK (RFC 7517), for the JWK Set; `nil` for an HMAC key, which has none.
    var publicJWK: PublicJWK? {
        switch material {
        case .hmac: return nil
        case .rsa(let key):
            guard let primitives = try? key.publicKey.getKeyPrimitives() else { return nil }
            return PublicJWK(
                kty: "RSA", kid: kid, alg: algorithm.rawValue, n: Base64URL.encode(primitives.modulus),
                e: Base64URL.encode(primitives.publicExponent))
        case .ecdsa(let key):
            guard let parameters = key.publicKey.parameters else { return nil }
            return PublicJWK(kty: "EC", kid: kid, alg: algorithm.rawValue, crv: "P-256", x: parameters.x, y: parameters.y)
        case .eddsa(let key):
            return PublicJWK(kty: "OKP", kid: kid, alg: algorithm.rawValue, crv: "Ed25519", x: Base64URL.encode(key.publicKey.rawRepresentation))
        }
    }

    /// The hash `at_hash` takes the left half of (OpenID Connect Core §3.1.3.6): SHA-256 for RS256
    /// and ES256, SHA-512 for Ed25519 (as for its signatures).
    func leftHalfHash(of text: String) -> String {
        let digest: [UInt8] =
            algorithm == .eddsa ? Array(SHA512.hash(data: Array(text.utf8))) : Array(SHA256.hash(data: Array(text.utf8)))
        return Base64URL.encode(digest.prefix(digest.count / 2))
    }
}

private func randomBytes(_ count: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
}

/// A public key as the JWK Set publishes it: never a private member.
struct PublicJWK: Sendable, Equatable {
    var kty: String
    var kid: String
    var alg: String
    var use = "sig"
    var n: String? = nil
    var e: String? = nil
    var crv: String? = nil
    var x: String? = nil
    var y: String? = nil
}
