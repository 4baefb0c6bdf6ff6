import Foundation
import Testing

@testable import TaskManager

@Suite struct RequestIDTests {
    /// Lower-case version-4 UUIDs of the RFC 4122 variant, none twice.
    @Test func idsAreDistinctVersionFourUUIDs() {
        var seen = Set<String>()
        for _ in 0..<10_000 {
            let id = RequestID.make()
            let uuid = UUID(uuidString: id)
            #expect(uuid?.uuidString.lowercased() == id)
            let bytes = uuid.map { withUnsafeBytes(of: $0.uuid) { Array($0) } } ?? []
            #expect(bytes.count == 16 && bytes[6] >> 4 == 4 && bytes[8] >> 6 == 0b10, "\(id)")
            seen.insert(id)
        }
        #expect(seen.count == 10_000)
    }
}
