import Foundation

/// Unpadded base64url (RFC 4648 §5), as JWTs and cursors use it.
enum Base64URL {
    /// Byte-wise: every page of tasks carries a cursor, and Foundation's base64 with three
    /// `replacingOccurrences` cost 5 % of a list request.
    static func encode(_ data: some DataProtocol) -> String {
        let bytes = Array(data)
        let alphabet = Self.alphabet
        return String(unsafeUninitializedCapacity: (bytes.count * 4 + 2) / 3) { out in
            var written = 0
            var index = 0
            while index < bytes.count {
                let count = min(3, bytes.count - index)
                var group = UInt32(bytes[index]) << 16
                if count > 1 { group |= UInt32(bytes[index + 1]) << 8 }
                if count > 2 { group |= UInt32(bytes[index + 2]) }
                // Three bytes are four characters; a last group of one or two bytes, two or three.
                for position in 0...count {
                    out[written] = alphabet[Int((group >> (18 - 6 * UInt32(position))) & 0x3F)]
                    written += 1
                }
                index += 3
            }
            return written
        }
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func decode(_ text: some StringProtocol) -> Data? {
        guard text.utf8.allSatisfy({ $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "=") })
        else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
