import Foundation
import Logging
import Synchronization
import Testing

@testable import TaskManager

/// Races between connections that share one database, as server processes do: each is decided by
/// the database, with one winner and a contract outcome for the others.
@Suite struct SharedDatabaseTests {
    /// `count` separate `AppDatabase`s (each its own connections, like separate processes) on one database.
    func withDatabases(_ engine: TestEngine, count: Int, migrated: Bool = true, _ body: ([AppDatabase]) async throws -> Void)
        async throws
    {
        try await engine.withEmptyDatabase { url in
            let opened = try (0..<count).map { _ in try AppDatabase(url, pool: TestPostgres.pool, logger: Logger(label: "test")) }
            try await whileRunning(opened) {
                if migrated { try await Migrations.run(on: opened[0]) }
                try await body(opened)
            }
        }
    }

    @Test(arguments: TestEngine.shared)
    func processesStartingTogetherMigrateOnceAndAgreeOnOneKey(_ engine: TestEngine) async throws {
        try await withDatabases(engine, count: 4, migrated: false) { databases in
            let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                for database in databases { group.addTask { try await Migrations.run(on: database) } }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(applied.sorted() == Migrations.all.map(\.version))
            let rows = try await databases[0].read { try await $0.all("SELECT version FROM schema_migrations") { try $0.int64(0) } }
            #expect(rows.count == Migrations.all.count)

            let keys = try await withThrowingTaskGroup(of: [String].self) { group in
                for database in databases {
                    group.addTask {
                        try await SigningKeyRepository(database: database, box: SecretBox(key: nil)).ensureSigning(.es256, now: Date())
                            .map(\.key.kid)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(keys).count == 1)
            #expect(keys.allSatisfy { $0.count == 1 })
        }
    }

    @Test(arguments: TestEngine.shared)
    func oneUsernameRegisteredManyTimesAtOnceHasOneWinner(_ engine: TestEngine) async throws {
        try await withDatabases(engine, count: 2) { databases in
            let outcomes = await withTaskGroup(of: Result<Void, AppDatabase.Failure>.self) { group in
                for index in 0..<8 {
                    let users = UserRepository(database: databases[index % 2])
                    group.addTask {
                        do {
                            try await users.create(makeUser(index.isMultiple(of: 2) ? "Racer" : "racer"))
                            return .success(())
                        } catch let failure as AppDatabase.Failure {
                            return .failure(failure)
                        } catch {
                            return .failure(.unavailable("\(error)"))
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { if case .success = $0 { true } else { false } }.count == 1)
            #expect(outcomes.filter { if case .failure(.uniqueViolation) = $0 { true } else { false } }.count == 7)
        }
    }

    @Test(arguments: TestEngine.shared)
    func oneRefreshTokenRotatedManyTimesAtOnceHasOneWinner(_ engine: TestEngine) async throws {
        try await withDatabases(engine, count: 2) { databases in
            let user = makeUser("dave")
            try await UserRepository(database: databases[0]).create(user)
            let now = Microseconds.now()
            let session = LoginSession(
                id: UUID().uuidString.lowercased(), userID: user.id, scopes: [.me], createdAt: now, lastUsedAt: now,
                expiresAt: now.addingTimeInterval(600), userAgent: nil, revokedAt: nil)
            try await SessionRepository(database: databases[0]).create(session, refreshTokenHash: "first")
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<8 {
                    let sessions = SessionRepository(database: databases[index % 2])
                    group.addTask {
                        try await sessions.rotate(hash: "first", to: "next-\(index)", sessionID: session.id, userAgent: nil, now: now)
                    }
                }
                return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
            }
            #expect(wins == 1)
            let successors = try await databases[1].read {
                try await $0.all("SELECT token_hash FROM refresh_tokens WHERE token_hash <> 'first'") { try $0.string(0) }
            }
            #expect(successors.count == 1)
        }
    }

    @Test(arguments: TestEngine.shared)
    func failedLoginsAtOnceAreAllCounted(_ engine: TestEngine) async throws {
        try await withDatabases(engine, count: 2) { databases in
            let policy = ThrottlePolicy(userMaxFailures: 1_000)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    let throttle = ThrottleRepository(database: databases[index % 2])
                    group.addTask {
                        try await throttle.recordFailure(usernameKey: "erin", address: "192.0.2.\(index)", policy: policy, now: Date())
                    }
                }
                try await group.waitForAll()
            }
            let failures = try await databases[0].read {
                try await $0.first("SELECT failures FROM login_throttle_users WHERE username_key = 'erin'") { try $0.int(0) }
            }
            #expect(failures == 20)
        }
    }

    @Test func anUnreachablePostgresServerFailsWithinItsTimeout() async throws {
        // Nothing listens on port 1: the pool keeps retrying, the caller stops waiting after 1 s.
        // (A statement through the pool: the start's `checkReachable` tries one connection of its own.)
        let target = PostgresTarget(host: "127.0.0.1", port: 1, username: "nobody", password: "secret", database: "none", tls: .disable)
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical  // the pool logs each failed attempt
        let waited = Mutex<Duration?>(nil)
        await #expect {
            try await AppDatabase.withRunning(.postgres(target), pool: ConnectionPoolSettings(size: 2, timeout: .seconds(1)), logger: quiet) { database in
                let started = ContinuousClock.now
                defer { waited.withLock { $0 = ContinuousClock.now - started } }
                try await database.read { try await $0.first("SELECT 1") { try $0.int64(0) } }
            }
        } throws: { error in
            guard case .unavailable(let reason) = error as? AppDatabase.Failure else { return false }
            // The caller's timer ended the wait, not a refusal by the pool.
            return reason.contains("within 1.0 seconds") && !reason.contains("secret")
        }
        // Not a timing measurement: with every other test running beside it on two cores, the wait
        // ends a few seconds late; this only tells a bounded wait from one that never ends.
        // The caller's wait alone: closing a pool that is still retrying takes a while of its own.
        #expect(try #require(waited.withLock { $0 }) < .seconds(30))

        // The start's check says where and why, from its first attempt.
        await #expect {
            try await AppDatabase.withRunning(.postgres(target), pool: ConnectionPoolSettings(size: 2, timeout: .seconds(1)), logger: quiet) {
                try await $0.checkReachable()
            }
        } throws: { error in
            "\(error)" == "cannot reach PostgreSQL at 127.0.0.1:1 (database none, user nobody): connection refused"
        }
    }

    /// Plain writes of two processes run beside each other on PostgreSQL: only exclusive writes take
    /// the advisory lock. Here the first transaction stays open until the second has committed; were
    /// every write exclusive, the second would wait for the first, which waits (5 s) for it.
    @Test(arguments: TestEngine.shared.filter { $0 == .postgres })
    func plainWritesOfTwoProcessesOverlap(_ engine: TestEngine) async throws {
        try await withDatabases(engine, count: 2) { databases in
            let firstHasWritten = Flag()
            let secondCommitted = Flag()
            let sawSecondCommit = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try await databases[0].write { sql in
                        try await sql.execute("INSERT INTO signing_keys (kid, secret, created_at) VALUES ('first', 's', 1)")
                        await firstHasWritten.set()
                        let deadline = ContinuousClock.now + .seconds(5)
                        while await !secondCommitted.value, ContinuousClock.now < deadline {
                            try await Task.sleep(for: .milliseconds(10))
                        }
                        return await secondCommitted.value
                    }
                }
                while await !firstHasWritten.value { try await Task.sleep(for: .milliseconds(10)) }
                try await databases[1].write { sql in
                    try await sql.execute("INSERT INTO signing_keys (kid, secret, created_at) VALUES ('second', 's', 2)")
                }
                await secondCommitted.set()
                guard let sawIt = try await group.next() else { throw CancellationError() }  // the task always returns
                return sawIt
            }
            #expect(sawSecondCommit)
            #expect(try await SigningKeyRepository(database: databases[0], box: SecretBox(key: nil)).all().count == 2)
        }
    }

    /// Exclusive writes still wait for each other: the second sees what the first committed, though
    /// it began while the first was still open.
    @Test(arguments: TestEngine.shared)
    func exclusiveWritesOfTwoProcessesDoNotOverlap(_ engine: TestEngine) async throws {
        try await withDatabases(engine, count: 2) { databases in
            let firstHasWritten = Flag()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await databases[0].exclusiveWrite { sql in
                        try await sql.execute("INSERT INTO signing_keys (kid, secret, created_at) VALUES ('first', 's', 1)")
                        await firstHasWritten.set()
                        try await Task.sleep(for: .milliseconds(300))
                    }
                }
                while await !firstHasWritten.value { try await Task.sleep(for: .milliseconds(10)) }
                let seen = try await databases[1].exclusiveWrite { sql in
                    try await sql.first("SELECT COUNT(*) FROM signing_keys WHERE kid = 'first'") { try $0.int(0) }
                }
                #expect(seen == 1)
                try await group.waitForAll()
            }
        }
    }
}

/// A flag that concurrent tasks set and read.
private actor Flag {
    private(set) var value = false
    func set() { value = true }
}
