import Crypto
import Foundation

/// The second factor's spare keys: ten, shown once at enrolment, each good once.
///
/// Each is 80 random bits (16 base32 characters, grouped by four): too many to guess or to
/// search for from a stolen hash, so a fast hash keeps them as well as bcrypt would — the reasoning
/// of refresh tokens. The hash includes the user id, so one code never matches another user's row.
enum RecoveryCode {
    static let count = 10

    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let text = Base32.encode((0..<10).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).lowercased()
        return stride(from: 0, to: 16, by: 4).map { start in
            let from = text.index(text.startIndex, offsetBy: start)
            return String(text[from..<text.index(from, offsetBy: 4)])
        }.joined(separator: "-")
    }

    /// What the user typed, without case, dashes or spaces; `nil` when it cannot be a code.
    static func normalized(_ typed: String) -> String? {
        let text = typed.lowercased().filter { $0 != "-" && !$0.isWhitespace }
        guard text.count == 16, text.allSatisfy({ ("a"..."z").contains($0) || ("2"..."7").contains($0) }) else { return nil }
        return text
    }

    static func hash(normalized code: String, userID: String) -> String {
        OpaqueToken.hash(userID + ":" + code)
    }
}

/// A code a user gives as their second factor.
enum SecondFactorCode: Sendable, Equatable {
    /// Six digits from the authenticator app (spaces dropped: apps show "123 456").
    case totp(String)
    case recovery(String)

    /// One field that takes either, as the sign-in page has: six digits are a TOTP code.
    init(entered text: String) {
        let digits = text.filter { !$0.isWhitespace }
        self = digits.count == TOTP.digits && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber) ? .totp(digits) : .recovery(text)
    }
}
