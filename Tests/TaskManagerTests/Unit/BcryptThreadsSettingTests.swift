import Foundation
import Testing

@testable import TaskManager

@Suite struct BcryptThreadsSettingTests {
    @Test func theSettingSizesTheHashingPool() async throws {
        let fromEnvironment = try ServerOptions.parse([]).settings(environment: ["TASKMANAGER_BCRYPT_THREADS": "3"])
        #expect(fromEnvironment.bcryptThreads == 3)
        #expect(try ServerOptions.parse([]).settings(environment: [:]).bcryptThreads == PasswordHasher.defaultThreads)
        var config = testConfiguration()
        config.bcryptThreads = 3
        try await withDependencies(config) { dependencies in
            // Three threads, each with 32 waiting places.
            #expect(dependencies.hasher.capacity == 3 + 32 * 3)
        }
    }
}
