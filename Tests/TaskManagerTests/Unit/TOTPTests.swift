import Crypto
import Foundation
import Testing

@testable import TaskManager

@Suite struct TOTPTests {
    /// RFC 6238 appendix B, SHA-1 column: the key is the ASCII of "12345678901234567890", 8 digits.
    @Test(arguments: [
        (59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"), (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
    ] as [(Int64, String)])
    func rfc6238Vectors(_ seconds: Int64, _ expected: String) {
        let key = Array("12345678901234567890".utf8)
        let step = TOTP.step(at: Date(timeIntervalSince1970: Double(seconds)))
        #expect(TOTP.code(secret: key, step: step, digits: 8) == expected)
        #expect(TOTP.code(secret: key, step: step) == String(expected.suffix(6)))
    }

    /// RFC 4226 appendix D: HOTP of counters 0 to 9, 6 digits.
    @Test func rfc4226Vectors() {
        let key = Array("12345678901234567890".utf8)
        let expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
        #expect((0..<10).map { TOTP.code(secret: key, step: Int64($0)) } == expected)
    }

    @Test func oneStepEitherSideIsAcceptedTwoAreNot() {
        let secret = TOTP.generateSecret()
        let now = Date(timeIntervalSince1970: 1_800_000_015)
        let current = TOTP.step(at: now)
        for offset: Int64 in -1...1 {
            let code = TOTP.code(secret: secret, step: current + offset)
            #expect(TOTP.acceptedStep(for: code, secret: secret, now: now, lastUsed: nil) == current + offset)
        }
        for offset: Int64 in [-3, -2, 2, 3] {
            let code = TOTP.code(secret: secret, step: current + offset)
            // (A code of another step may equal one in the window by chance: one in 10^6 each.)
            if (-1...1).allSatisfy({ TOTP.code(secret: secret, step: current + $0) != code }) {
                #expect(TOTP.acceptedStep(for: code, secret: secret, now: now, lastUsed: nil) == nil)
            }
        }
        for bad in ["", "12345", "1234567", "12a456", "١٢٣٤٥٦"] {
            #expect(TOTP.acceptedStep(for: bad, secret: secret, now: now, lastUsed: nil) == nil)
        }
    }

    @Test func aCodeIsAcceptedOnceAndNoEarlierOneAfterIt() {
        let secret = TOTP.generateSecret()
        let now = Date(timeIntervalSince1970: 1_800_000_015)
        let current = TOTP.step(at: now)
        let code = TOTP.code(secret: secret, step: current)
        let used = TOTP.acceptedStep(for: code, secret: secret, now: now, lastUsed: nil)
        #expect(used == current)
        #expect(TOTP.acceptedStep(for: code, secret: secret, now: now, lastUsed: used) == nil)  // replay
        let earlier = TOTP.code(secret: secret, step: current - 1)
        #expect(TOTP.acceptedStep(for: earlier, secret: secret, now: now, lastUsed: used) == nil)
        let next = TOTP.code(secret: secret, step: current + 1)
        #expect(TOTP.acceptedStep(for: next, secret: secret, now: now, lastUsed: used) == current + 1)
    }

    @Test func theURIIsWhatAuthenticatorAppsScan() {
        let secret = Array("12345678901234567890".utf8)
        #expect(
            TOTP.uri(secret: secret, account: "alice")
                == "otpauth://totp/TaskManager:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=TaskManager&algorithm=SHA1&digits=6&period=30")
        #expect(TOTP.generateSecret().count == 20)
        #expect(Base32.encode(TOTP.generateSecret()).count == 32)
    }

    /// RFC 4648 §10.
    @Test func base32() {
        let vectors = ["": "", "f": "MY", "fo": "MZXQ", "foo": "MZXW6", "foob": "MZXW6YQ", "fooba": "MZXW6YTB", "foobar": "MZXW6YTBOI"]
        for (plain, encoded) in vectors {
            #expect(Base32.encode(Array(plain.utf8)) == encoded)
            #expect(Base32.decode(encoded) == Array(plain.utf8))
            #expect(Base32.decode(encoded.lowercased() + "======") == Array(plain.utf8))
        }
        #expect(Base32.decode("MZ1W") == nil)
        let secret = TOTP.generateSecret()
        #expect(Base32.decode(Base32.encode(secret)) == secret)
    }
}
