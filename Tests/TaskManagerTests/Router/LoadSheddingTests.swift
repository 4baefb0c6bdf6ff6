import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Testing

@testable import TaskManager

@Suite struct LoadSheddingTests {
    @Test func aFullBcryptQueueRefusesAtOnce() async throws {
        // One thread and one waiting place: of many hashes started together, the rest are refused.
        let hasher = try await PasswordHasher.start(cost: 10, threads: 1, queueLimit: 1)
        let outcomes = await withTaskGroup(of: String.self) { group in
            for index in 0..<8 {
                group.addTask {
                    do {
                        _ = try await hasher.hash("password \(index)")
                        return "done"
                    } catch APIError.overloaded {
                        return "refused"
                    } catch {
                        return "other"
                    }
                }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == "done" }.count >= 2)
        #expect(outcomes.filter { $0 == "refused" }.count >= 1)
        #expect(!outcomes.contains("other"))
        // Once the queue drains, hashing works again.
        _ = try await hasher.hash("after the burst")
        await hasher.shutdown()
    }

    @Test func refusedLoginsAre503WithRetryAfter() async throws {
        try await withTestApp({
            $0.bcryptCost = 10
            $0.loginQueueLimit = 0
        }) { api in
            try await api.register("alice")
            let replies = try await withThrowingTaskGroup(of: Reply.self) { group in
                for _ in 0..<8 { group.addTask { try await api.loginReply("alice") } }
                return try await group.reduce(into: [Reply]()) { $0.append($1) }
            }
            let refused = replies.filter { $0.status == 503 }
            #expect(!refused.isEmpty)
            #expect(refused.allSatisfy { $0.header("Retry-After") == "1" && $0.json["detail"] is String })
            #expect(replies.allSatisfy { $0.status == 200 || $0.status == 503 })
        }
    }
}
