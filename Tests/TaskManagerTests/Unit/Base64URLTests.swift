import Foundation
import Testing

@testable import TaskManager

@Suite struct Base64URLTests {
    /// RFC 4648 §10's vectors, then random bytes against Foundation's base64 turned url-safe and unpadded.
    @Test func encodesAsFoundationsBase64URLSafeAndUnpadded() {
        let vectors = ["": "", "f": "Zg", "fo": "Zm8", "foo": "Zm9v", "foob": "Zm9vYg", "fooba": "Zm9vYmE", "foobar": "Zm9vYmFy"]
        for (input, expected) in vectors {
            #expect(Base64URL.encode(Data(input.utf8)) == expected)
        }
        var random = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let bytes = (0..<Int.random(in: 0..<80, using: &random)).map { _ in UInt8.random(in: .min ... .max, using: &random) }
            let reference = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            let encoded = Base64URL.encode(bytes)
            #expect(encoded == reference)
            #expect(Base64URL.decode(encoded) == Data(bytes))
        }
    }
}
