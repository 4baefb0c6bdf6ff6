import Crypto
import Foundation

/// Secrets at rest (TOTP keys): sealed with AES-256-GCM under `--secrets-key` when it is set, so a
/// copy of the database alone does not give them away; kept as they are when it is not (the README
/// says what that means). The stored text says which: `v1:` + base64 of nonce, ciphertext and tag,
/// or `plain:` + base64 — so setting the key later still reads what was stored before.
struct SecretBox: Sendable {
    let key: SymmetricKey?

    /// `--secrets-key` / `TASKMANAGER_SECRETS_KEY`: 32 bytes, base64.
    static func parseKey(_ text: String) -> SymmetricKey? {
        guard let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespaces)), bytes.count == 32 else { return nil }
        return SymmetricKey(data: bytes)
    }

    enum Failure: Error, Equatable {
        /// Sealed, but no key (or another key) is configured, or the text was altered.
        case cannotOpen
    }

    /// `context` (the user's id) is authenticated with the secret: a sealed value moved to another
    /// row does not open.
    func seal(_ secret: [UInt8], context: String) throws -> String {
        guard let key else { return "plain:" + Data(secret).base64EncodedString() }
        let box = try AES.GCM.seal(secret, using: key, authenticating: Array(context.utf8))
        guard let combined = box.combined else { throw Failure.cannotOpen }
        return "v1:" + combined.base64EncodedString()
    }

    /// Whether `stored` is encrypted (rather than kept as `plain:`).
    static func isSealed(_ stored: String) -> Bool { stored.hasPrefix("v1:") }

    func open(_ stored: String, context: String) throws -> [UInt8] {
        if stored.hasPrefix("plain:"), let data = Data(base64Encoded: String(stored.dropFirst(6))) { return Array(data) }
        guard stored.hasPrefix("v1:"), let key, let data = Data(base64Encoded: String(stored.dropFirst(3))) else {
            throw Failure.cannotOpen
        }
        do {
            return Array(try AES.GCM.open(AES.GCM.SealedBox(combined: data), using: key, authenticating: Array(context.utf8)))
        } catch {
            throw Failure.cannotOpen
        }
    }
}
