import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA-1, 30-second steps,
/// 6 digits, what every authenticator app computes from an `otpauth://` URI.
///
/// HummingbirdOTP computes the same codes, but takes the key as a `String` whose UTF-8 bytes it
/// uses: the contract's 160 random bits are not UTF-8, so the HMAC is computed here, from
/// swift-crypto, as the RFC writes it.
enum TOTP {
    static let period: Int64 = 30
    static let digits = 6
    /// How many steps either side of now a code may come from (clocks drift, people type slowly).
    static let window: ClosedRange<Int64> = -1...1

    /// A new secret: 160 random bits (RFC 4226 §4 recommends at least that).
    static func generateSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<20).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// The step a moment falls in: seconds since the epoch over 30, rounded down.
    static func step(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / Double(period)).rounded(.down))
    }

    /// HOTP of `counter` (RFC 4226 §5.3), zero-padded to `digits`.
    static func code(secret: [UInt8], step counter: Int64, digits: Int = digits) -> String {
        let message = withUnsafeBytes(of: UInt64(bitPattern: counter).bigEndian) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary =
            UInt32(mac[offset] & 0x7F) << 24 | UInt32(mac[offset + 1]) << 16 | UInt32(mac[offset + 2]) << 8 | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }

    /// The step, within the window around `now`, whose code `code` is — and only when it is later
    /// than `lastUsed`, so that each code is accepted once (RFC 6238 §5.2). `nil`: refused.
    static func acceptedStep(for code: String, secret: [UInt8], now: Date, lastUsed: Int64?) -> Int64? {
        guard code.utf8.count == digits, code.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        let current = step(at: now)
        var accepted: Int64?
        // Every step of the window is computed, matched or not: the time does not tell which one matched.
        for offset in window {
            let candidate = current + offset
            if constantTimeEqual(self.code(secret: secret, step: candidate), code), candidate > (lastUsed ?? .min) {
                accepted = accepted ?? candidate
            }
        }
        return accepted
    }

    /// What authenticator apps scan: `otpauth://totp/TaskManager:<account>?secret=…&issuer=TaskManager`.
    static func uri(secret: [UInt8], account: String, issuer: String = "TaskManager") -> String {
        let label = FormFields.encode(issuer) + ":" + FormFields.encode(account)
        return "otpauth://totp/\(label)?secret=\(Base32.encode(secret))&issuer=\(FormFields.encode(issuer))"
            + "&algorithm=SHA1&digits=\(digits)&period=\(period)"
    }
}

/// RFC 4648 base32 without padding, as authenticator apps expect the secret.
enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[Int(buffer >> UInt32(bits - 5) & 0x1F)])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[Int(buffer << UInt32(5 - bits) & 0x1F)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Case-insensitive, padding and spaces ignored; `nil` for any other character.
    static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for character in text.uppercased().utf8 where character != UInt8(ascii: "=") && character != UInt8(ascii: " ") {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = buffer << 5 | UInt32(value)
            bits += 5
            if bits >= 8 {
                out.append(UInt8(buffer >> UInt32(bits - 8) & 0xFF))
                bits -= 8
            }
        }
        return out
    }
}
