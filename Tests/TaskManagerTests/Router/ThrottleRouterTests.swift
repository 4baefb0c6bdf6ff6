import Foundation
import Testing

@testable import TaskManager

@Suite struct ThrottleRouterTests {
    /// Passwords checked by bcrypt so far, as `/metrics` reports them.
    static func bcryptChecks(_ metrics: AppMetrics) -> Double? {
        MetricsTests.samples(metrics.exposition(databaseConnections: 0, requestsInFlight: 0))[#"taskmanager_bcrypt_operations_total{operation="verify"}"#]
    }

    static func attempt(_ api: RouterClient, _ username: String, _ password: String) async throws -> Reply {
        try await api.send(.post, "/token", form: formBody([("username", username), ("password", password)]))
    }

    @Test func fiveFailuresLockTheNameEvenForTheRightPassword() async throws {
        let clock = ManualClock()
        try await withTestApp({ _ in }, clock: clock) { api in
            try await api.register("alice")
            for _ in 0..<5 { #expect(try await Self.attempt(api, "alice", "wrong password").status == 400) }
            var reply = try await Self.attempt(api, "ALICE", "correct horse battery")
            #expect(reply.status == 429)
            #expect(reply.header("Retry-After") == "60")
            #expect(reply.json["detail"] as? String == "Too many failed login attempts; try again in 60 seconds")
            // A refused attempt is not a failure: the lock does not grow.
            clock.advance(by: 30)
            reply = try await Self.attempt(api, "alice", "wrong password")
            #expect(reply.header("Retry-After") == "30")
            clock.advance(by: 31)
            // Each further failure doubles the lock.
            #expect(try await Self.attempt(api, "alice", "wrong password").status == 400)
            #expect(try await Self.attempt(api, "alice", "correct horse battery").header("Retry-After") == "120")
            clock.advance(by: 121)
            #expect(try await Self.attempt(api, "alice", "correct horse battery").status == 200)
            // The success reset the count: four more failures lock nothing.
            for _ in 0..<4 { _ = try await Self.attempt(api, "alice", "wrong password") }
            #expect(try await Self.attempt(api, "alice", "correct horse battery").status == 200)
        }
    }

    @Test func throttledAttemptsDoNoBcryptWork() async throws {
        try await withSeededDatabase { url in
            let config = testConfiguration { $0.databaseURL = url }
            try await withDependencies(config) { dependencies in
                let login = AppServices(dependencies).login
                for _ in 0..<5 {
                    await #expect(throws: APIError.self) {
                        try await login.passwordGrant(username: "victim", password: "guess", scope: nil, userAgent: nil, address: "a")
                    }
                }
                let before = Self.bcryptChecks(dependencies.metrics)
                #expect(before == 5)
                for _ in 0..<200 {
                    await #expect(throws: APIError.self) {  // 429, refused before any bcrypt
                        try await login.passwordGrant(username: "victim", password: "guess", scope: nil, userAgent: nil, address: "a")
                    }
                }
                #expect(Self.bcryptChecks(dependencies.metrics) == before)
            }
        }
    }

    @Test func locksDoubleUpToFifteenMinutes() async throws {
        let clock = ManualClock()
        try await withTestApp({ _ in }, clock: clock) { api in
            var expected = [60, 120, 240, 480, 900]
            for _ in 0..<4 { _ = try await Self.attempt(api, "ghost", "wrong password") }
            while !expected.isEmpty {
                #expect(try await Self.attempt(api, "ghost", "wrong password").status == 400)
                let wait = expected.removeFirst()
                #expect(try await Self.attempt(api, "ghost", "x").header("Retry-After") == String(wait))
                clock.advance(by: TimeInterval(wait) + 1)
            }
            // 15 minutes without a failure: the count is forgotten and starts over.
            #expect(try await Self.attempt(api, "ghost", "wrong password").status == 400)
            #expect(try await Self.attempt(api, "ghost", "wrong password").status == 400)
        }
    }

    @Test func unknownUsernamesLockTheSameWay() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            var unknown: [Int] = []
            var known: [Int] = []
            for _ in 0..<6 {
                unknown.append(try await Self.attempt(api, "nobody-here", "wrong password").status)
                known.append(try await Self.attempt(api, "alice", "wrong password").status)
            }
            #expect(unknown == [400, 400, 400, 400, 400, 429])
            #expect(known == unknown)
        }
    }

    @Test func theCountIsForgottenAfterAQuietSpell() async throws {
        let clock = ManualClock()
        try await withTestApp({ _ in }, clock: clock) { api in
            try await api.register("alice")
            for _ in 0..<4 { _ = try await Self.attempt(api, "alice", "wrong password") }
            clock.advance(by: 15 * 60 + 1)
            for _ in 0..<4 { _ = try await Self.attempt(api, "alice", "wrong password") }
            #expect(try await Self.attempt(api, "alice", "correct horse battery").status == 200)
        }
    }

    @Test func manyFailuresFromOneAddressLockItForEveryName() async throws {
        let clock = ManualClock()
        try await withTestApp({ $0.throttle.addressMaxFailures = 8 }, clock: clock) { api in
            try await api.register("alice")
            for index in 0..<8 {
                #expect(try await Self.attempt(api, "user\(index)", "wrong password").status == 400)
                clock.advance(by: 10)
            }
            let reply = try await Self.attempt(api, "alice", "correct horse battery")
            #expect(reply.status == 429)
            // Locked until the oldest of the 8 failures leaves the 10-minute window.
            #expect(reply.header("Retry-After") == String(600 - 80))
            clock.advance(by: 600 - 80 + 1)
            #expect(try await Self.attempt(api, "alice", "correct horse battery").status == 200)
        }
    }
}
