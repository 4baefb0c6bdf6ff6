import Synchronization

/// New request ids, in a UUID's form (version 4, lower case), made without Foundation's `UUID()`,
/// which asks the kernel for randomness (a system call) and formats through `sprintf` on every
/// request. An id must be unique, not secret: the first half is drawn once per process from the
/// system's randomness, the second counts the process's requests.
enum RequestID {
    private static let process: UInt64 = {
        var system = SystemRandomNumberGenerator()
        return (system.next() & ~0xF000) | 0x4000  // version 4
    }()
    private static let counter = Atomic<UInt64>(0)

    static func make() -> String {
        let count = counter.wrappingAdd(1, ordering: .relaxed).newValue
        // The RFC 4122 variant in the second half's top bits.
        let low = (count & ~(0xC000 << 48)) | (0x8000 << 48)
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var index = 0
            for (half, value) in [process, low].enumerated() {
                for nibble in 0..<16 {
                    let position = half * 16 + nibble
                    if position == 8 || position == 12 || position == 16 || position == 20 {
                        buffer[index] = UInt8(ascii: "-")
                        index += 1
                    }
                    buffer[index] = digits[Int((value >> UInt64(60 - 4 * nibble)) & 0xF)]
                    index += 1
                }
            }
            return index
        }
    }
}
