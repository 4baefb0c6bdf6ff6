import Foundation
import Testing

@testable import TaskManager

@Suite struct PasswordHasherPoolTests {
    @Test func theDummyHashHasTheConfiguredCostAndMatchesNothing() async throws {
        let hasher = try await PasswordHasher.start(cost: 5, threads: 1)
        #expect(hasher.dummyHash.hasPrefix("$2b$05$"))
        #expect(hasher.dummyHash.utf8.count == 60)
        #expect(try await !hasher.verify("correct horse battery", against: nil))
        await hasher.shutdown()
    }
}
