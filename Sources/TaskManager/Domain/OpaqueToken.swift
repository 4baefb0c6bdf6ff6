import Crypto
import Foundation

/// Random secrets handed out once and kept only as a digest: refresh tokens, client secrets,
/// authorization codes, sign-in forms' ids, `mfa_token`s. 256 bits leave nothing to guess, so SHA-256 suffices to store them.
enum OpaqueToken {
    /// Characters of a generated token.
    static let length = 43

    /// 256 random bits, base64url (43 characters).
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// What is stored: the SHA-256 of the text, hex.
    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
