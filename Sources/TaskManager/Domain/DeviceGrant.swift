import Foundation

/// A device's request to be signed in (RFC 8628): what it asked, and where the person's answer stands.
struct DeviceGrant: Sendable, Equatable {
    enum Status: String, Sendable {
        case pending, approved, denied, used
    }

    var clientID: String
    var scopes: [Scope]
    var userCode: String
    var interval: Int
    var expiresAt: Date
    var status: Status

    /// How long a device code lives, and how often the device may ask at first (the contract's values).
    static let lifetime = 600
    static let interval = 5
    static let grantType = "urn:ietf:params:oauth:grant-type:device_code"
}

/// The code a person types: 8 letters from 20 consonants (no vowels, so no words; no look-alikes),
/// shown `XXXX-XXXX`, read case-insensitively with dashes and spaces ignored.
enum UserCode {
    static let alphabet = Array("BCDFGHJKLMNPQRSTVWXZ")
    static let length = 8

    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }

    /// `XXXX-XXXX`.
    static func display(_ code: String) -> String {
        String(code.prefix(4)) + "-" + String(code.dropFirst(4))
    }

    /// The stored form of what a person typed, or `nil` when it cannot be a code.
    static func normalized(_ typed: String) -> String? {
        let letters = typed.uppercased().filter { $0 != "-" && !$0.isWhitespace }
        guard letters.count == length, letters.allSatisfy(alphabet.contains) else { return nil }
        return letters
    }
}
