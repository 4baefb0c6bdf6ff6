import Crypto
import Foundation
import Testing

@testable import TaskManager

@Suite struct SecretBoxTests {
    static let key = SecretBox.parseKey(Data((0..<32).map { UInt8($0) }).base64EncodedString())

    @Test func sealedSecretsOpenOnlyWithTheKeyAndTheirContext() throws {
        let box = SecretBox(key: Self.key)
        let secret = TOTP.generateSecret()
        let sealed = try box.seal(secret, context: "user-1")
        #expect(sealed.hasPrefix("v1:"))
        #expect(!sealed.contains(Base32.encode(secret)) && !sealed.contains(Data(secret).base64EncodedString()))
        #expect(try box.open(sealed, context: "user-1") == secret)
        #expect(throws: SecretBox.Failure.cannotOpen) { try box.open(sealed, context: "user-2") }
        #expect(throws: SecretBox.Failure.cannotOpen) { try SecretBox(key: nil).open(sealed, context: "user-1") }
        let other = SecretBox(key: SymmetricKey(size: .bits256))
        #expect(throws: SecretBox.Failure.cannotOpen) { try other.open(sealed, context: "user-1") }
        var altered = Array(sealed.utf8)
        altered[10] = altered[10] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(throws: SecretBox.Failure.cannotOpen) { try box.open(String(decoding: altered, as: UTF8.self), context: "user-1") }
        // Two seals of one secret differ (a fresh nonce each time).
        #expect(try box.seal(secret, context: "user-1") != sealed)
    }

    @Test func withoutAKeySecretsAreKeptAsTheyAreAndStillReadLater() throws {
        let secret = TOTP.generateSecret()
        let plain = try SecretBox(key: nil).seal(secret, context: "user-1")
        #expect(plain.hasPrefix("plain:"))
        #expect(try SecretBox(key: Self.key).open(plain, context: "user-1") == secret)
    }

    @Test func theKeyIs32BytesOfBase64() {
        #expect(Self.key != nil)
        #expect(SecretBox.parseKey(Data(repeating: 1, count: 31).base64EncodedString()) == nil)
        #expect(SecretBox.parseKey("not base64!") == nil)
    }
}
