import Crypto
import Foundation
import Testing

@testable import TaskManager

@Suite struct RepositoryTests {
    @Test(arguments: TestEngine.available)
    func migrationsRunOnceAndAreIdempotent(_ engine: TestEngine) async throws {
        try await engine.withDatabase { db in
            #expect(try await Migrations.run(on: db).isEmpty)  // withDatabase already migrated
            let versions = try await db.read { try await $0.all("SELECT version FROM schema_migrations") { try $0.int64(0) } }
            #expect(versions.count == Migrations.all.count)
        }
    }

    @Test(arguments: TestEngine.available)
    func usernamesAreUniqueCaseInsensitively(_ engine: TestEngine) async throws {
        try await engine.withDatabase { db in
            let users = UserRepository(database: db)
            let alice = makeUser("Alice")
            try await users.create(alice)
            #expect(try await users.find(username: "aLiCe")?.id == alice.id)
            #expect(try await users.find(id: alice.id)?.username == "Alice")
            #expect(try await users.find(username: "bob") == nil)
            await #expect(throws: AppDatabase.Failure.uniqueViolation) { try await users.create(makeUser("ALICE")) }
        }
    }

    @Test(arguments: TestEngine.available)
    func profileUpdatesSetAndClear(_ engine: TestEngine) async throws {
        try await engine.withDatabase { db in
            let users = UserRepository(database: db)
            let user = makeUser("carol")
            try await users.create(user)
            #expect(try await users.find(id: user.id)?.profileUpdatedAt == nil)
            let changedAt = Microseconds.now()
            var updated = try await users.update(id: user.id, .init(email: "c@example.com", fullName: "Carol"), now: changedAt)
            #expect(updated?.email == "c@example.com")
            #expect(updated?.fullName == "Carol")
            #expect(updated?.profileUpdatedAt == changedAt)
            updated = try await users.update(id: user.id, .init(email: .some(nil), fullName: nil), now: changedAt.addingTimeInterval(1))
            #expect(updated?.email == nil)
            #expect(updated?.fullName == "Carol")
            #expect(try await users.update(id: "missing", .init(email: "x@y.z"), now: changedAt) == nil)
        }
    }

    @Test(arguments: TestEngine.available)
    func tasksAreTheirListMembers(_ engine: TestEngine) async throws {
        try await engine.withDatabase { db in
            let users = UserRepository(database: db)
            let (alice, bob) = (makeUser("alice"), makeUser("bob"))
            try await users.create(alice)
            try await users.create(bob)
            let tasks = TaskRepository(database: db)
            let task = try await tasks.create(makeTask(by: alice.id, title: "Alice's", at: 1_000), inHomeOf: alice.id)
            #expect(try await tasks.find(id: task.id, caller: alice.id) == task)
            // Bob is no member of Alice's default list: her task does not exist for him.
            let gone = ListAccess.Refusal.notFound(.task)
            await #expect(throws: gone) { try await tasks.find(id: task.id, caller: bob.id) }
            await #expect(throws: gone) { try await tasks.update(id: task.id, caller: bob.id, .init(title: "mine"), at: Date()) }
            await #expect(throws: gone) { try await tasks.delete(id: task.id, caller: bob.id, at: Date()) }
            // A list the caller cannot see; `TaskService` places it at the body's `list_id` (422).
            await #expect(throws: ListAccess.Refusal.notFound(.list)) {
                try await tasks.create(makeTask(by: bob.id, title: "planted", at: 1), in: task.listID, caller: bob.id)
            }
            #expect(try await tasks.list(caller: bob.id, listID: nil, filter: .init(), after: nil, limit: 10).items.isEmpty)
            await #expect(throws: ListAccess.Refusal.notFound(.list)) {
                try await tasks.list(caller: bob.id, listID: task.listID, filter: .init(), after: nil, limit: 10)
            }

            let changed = try await tasks.update(
                id: task.id, caller: alice.id, .init(done: true, dueDate: .some("2026-12-24")), at: Microseconds.date(2_000))
            #expect(changed.done == true)
            #expect(changed.dueDate == "2026-12-24")
            #expect(changed.title == "Alice's")
            #expect(changed.createdBy == alice.id)
            #expect(changed.updatedAt == Microseconds.date(2_000))
            #expect(changed.createdAt == Microseconds.date(1_000))
            let cleared = try await tasks.update(id: task.id, caller: alice.id, .init(dueDate: .some(nil)), at: Date())
            #expect(cleared.dueDate == nil)

            try await tasks.delete(id: task.id, caller: alice.id, at: Date())
            await #expect(throws: gone) { try await tasks.find(id: task.id, caller: alice.id) }
            await #expect(throws: gone) { try await tasks.delete(id: task.id, caller: alice.id, at: Date()) }
        }
    }

    @Test(arguments: TestEngine.available)
    func pagesWalkNewestFirstWithoutGapsOrRepeats(_ engine: TestEngine) async throws {
        try await engine.withDatabase { db in
            let owner = makeUser("pager")
            try await UserRepository(database: db).create(owner)
            let lists = ListRepository(database: db)
            let second = try await lists.create(name: "second", ownerID: owner.id, at: Date())
            let tasks = TaskRepository(database: db)
            var created: [TaskItem] = []
            for index in 0..<23 {
                // Three tasks share each creation time: ties are broken by id, descending. Every
                // other one in a second list: the page walks both.
                let task = makeTask(by: owner.id, title: "task \(index)", at: Int64(1_000 + index / 3))
                created.append(
                    index % 2 == 0
                        ? try await tasks.create(task, inHomeOf: owner.id) : try await tasks.create(task, in: second.id, caller: owner.id))
            }
            func walk(_ listID: String?) async throws -> [String] {
                var seen: [String] = []
                var cursor: PageCursor?
                repeat {
                    let page = try await tasks.list(caller: owner.id, listID: listID, filter: .init(), after: cursor, limit: 5)
                    #expect(page.items.count <= 5)
                    seen += page.items.map(\.id)
                    cursor = page.next
                } while cursor != nil
                return seen
            }
            let newestFirst = created.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
            #expect(try await walk(nil) == newestFirst.map(\.id))
            #expect(try await walk(second.id) == newestFirst.filter { $0.listID == second.id }.map(\.id))
        }
    }

    @Test(arguments: TestEngine.available)
    func filtersCombine(_ engine: TestEngine) async throws {
        try await engine.withDatabase { db in
            let owner = makeUser("filters")
            try await UserRepository(database: db).create(owner)
            let tasks = TaskRepository(database: db)
            func add(_ task: TaskItem) async throws { _ = try await tasks.create(task, inHomeOf: owner.id) }
            try await add(makeTask(by: owner.id, title: "Buy MILK", at: 1, done: false, priority: .high, due: "2026-12-01"))
            try await add(makeTask(by: owner.id, title: "milkshake", at: 2, done: true, priority: .low, due: "2026-12-31"))
            try await add(makeTask(by: owner.id, title: "100% done_ish", at: 3, done: true, priority: .normal))
            func titles(_ filter: TaskFilter) async throws -> [String] {
                try await tasks.list(caller: owner.id, listID: nil, filter: filter, after: nil, limit: 100).items.map(\.title)
            }
            #expect(try await titles(.init(titleContains: "milk")) == ["milkshake", "Buy MILK"])
            #expect(try await titles(.init(done: true, titleContains: "MILK")) == ["milkshake"])
            #expect(try await titles(.init(priority: .high)) == ["Buy MILK"])
            #expect(try await titles(.init(dueBefore: "2026-12-31")) == ["Buy MILK"])
            #expect(try await titles(.init(dueBefore: "2027-01-01")) == ["milkshake", "Buy MILK"])
            // LIKE wildcards in the search text are literal characters.
            #expect(try await titles(.init(titleContains: "%")) == ["100% done_ish"])
            #expect(try await titles(.init(titleContains: "_")) == ["100% done_ish"])
            #expect(try await titles(.init(titleContains: "0%_")) == [])
        }
    }

    /// A new task in the default list named by the principal is one statement on its own: it lands
    /// there, in its owner's feed, and once the account is gone (a token's cached session may
    /// outlive it by under a second) the foreign keys refuse it: "List not found", nothing written.
    @Test(arguments: TestEngine.available)
    func aTaskGoesHomeInOneStatement(_ engine: TestEngine) async throws {
        try await engine.withDatabase { db in
            let user = makeUser("hana")
            try await UserRepository(database: db).create(user)
            let home = try await homeListID(of: user.id, in: db)
            let tasks = TaskRepository(database: db)
            let created = try await tasks.create(makeTask(by: user.id, title: "home", at: 1), inHome: home)
            #expect(created.listID == home)
            #expect(try await tasks.list(caller: user.id, listID: nil, filter: .init(), after: nil, limit: 10).items.map(\.id) == [created.id])
            #expect(try await UserRepository(database: db).delete(id: user.id, at: Date()) == .deleted)
            await #expect(throws: ListAccess.Refusal.notFound(.list)) {
                try await tasks.create(makeTask(by: user.id, title: "too late", at: 2), inHome: home)
            }
            let left = try await db.read { sql in try await sql.all("SELECT id FROM tasks") { try $0.string(0) } }
            #expect(left.isEmpty)
        }
    }

    /// A page of one list walks `tasks_list_created`: no scan of a table, no sort, so a page costs
    /// the same at one list or a thousand, 100 tasks or 100,000.
    @Test(arguments: TestEngine.available)
    func listingOneListWalksItsIndexWithoutSorting(_ engine: TestEngine) async throws {
        try await engine.withDatabase { db in
            let query = """
                SELECT t.id FROM tasks t
                JOIN list_members access ON access.list_id = t.list_id AND access.user_id = 'x' AND access.role >= 1
                WHERE t.list_id = 'l' AND (t.created_at, t.id) < (5, 'y')
                ORDER BY t.created_at DESC, t.id DESC LIMIT 21
                """
            if engine == .postgres {
                // On an empty table a sequential scan is cheapest; what matters is that the index
                // can serve the order, so scans of the table are priced out.
                let plan = try await db.write { sql in
                    try await sql.execute("SET LOCAL enable_seqscan = off")
                    return try await sql.all("EXPLAIN \(unsafeRaw: query)") { try $0.string(0) }
                }
                #expect(plan.contains { $0.contains("Scan Backward using tasks_list_created") }, "\(plan)")
                #expect(!plan.contains { $0.contains("Sort") }, "\(plan)")
                return
            }
            let plan = try await db.read { sql in
                // Columns: id, parent, notused, detail.
                try await sql.all("EXPLAIN QUERY PLAN \(unsafeRaw: query)") { try $0.string(3) }
            }
            #expect(plan.contains { $0.contains("tasks_list_created") }, "\(plan)")
            #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN") && !$0.contains("INDEX") }, "\(plan)")
        }
    }

    /// A page across lists right after a user added 3,000 tasks, before any ANALYZE: the plan walks
    /// the feed's key in order and stops at the page (PostgreSQL, planning on no statistics, once
    /// joined the membership first and fetched and sorted all 3,000), with a filter and a cursor
    /// too; and the pages are the newest tasks, in order, to the last.
    @Test(arguments: TestEngine.available)
    func aPageAfterAnImportWalksTheFeedInOrder(_ engine: TestEngine) async throws {
        try await engine.withDatabase { db in
            let user = makeUser("ivan")
            try await UserRepository(database: db).create(user)
            let home = try await homeListID(of: user.id, in: db)
            try await db.write { sql in
                try await sql.execute(
                    """
                    INSERT INTO tasks (id, list_id, created_by, title, description, done, priority, due_date, created_at, updated_at)
                    WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
                    SELECT 'task-' || (100000 + i), \(bind: home), \(bind: user.id), 'task ' || i, '', i % 2 = 0, 'normal', NULL,
                           1000 + i, 1000 + i
                    FROM n
                    """)
            }
            let tasks = TaskRepository(database: db)
            let first = try await tasks.list(caller: user.id, listID: nil, filter: .init(), after: nil, limit: 20)
            #expect(first.items.map(\.title) == (2981...3000).reversed().map { "task \($0)" })
            let second = try await tasks.list(caller: user.id, listID: nil, filter: .init(), after: first.next, limit: 20)
            #expect(second.items.map(\.title) == (2961...2980).reversed().map { "task \($0)" })
            let done = try await tasks.list(caller: user.id, listID: nil, filter: .init(done: true), after: first.next, limit: 3)
            #expect(done.items.map(\.title) == ["task 2980", "task 2978", "task 2976"])
            let last = try await tasks.list(
                caller: user.id, listID: nil, filter: .init(), after: PageCursor(createdAt: 1003, id: "task-100003"), limit: 20)
            #expect(last.items.map(\.title) == ["task 2", "task 1"])
            #expect(last.next == nil)

            let filters: [SQLStatement] = [
                "t.done = \(bind: true)", ListAccess.guarded(caller: user.id, atLeast: .viewer, listColumn: "t.list_id"),
            ]
            for cursor in [nil, PageCursor(createdAt: 2000, id: "task-101000")] {
                let plan = try await db.read { sql in
                    let page = TaskRepository.feedPage(caller: user.id, where: filters, after: cursor, limit: 21, sql.dialect)
                    return try await sql.all(sql.dialect == .postgres ? "EXPLAIN \(page)" : "EXPLAIN QUERY PLAN \(page)") {
                        try $0.string(sql.dialect == .postgres ? 0 : 3)
                    }
                }
                if engine == .postgres {
                    #expect(plan.contains { $0.contains("Scan Backward using task_feed_pkey") }, "\(plan)")
                    #expect(!plan.contains { $0.contains("Sort") || $0.contains("Hash") || $0.contains("Seq Scan") }, "\(plan)")
                } else {
                    #expect(plan.contains { $0.contains("SEARCH f USING PRIMARY KEY (user_id=?") }, "\(plan)")
                    #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
                    #expect(!plan.contains { $0.hasPrefix("SCAN") && !$0.contains("INDEX") }, "\(plan)")
                }
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func sessionsLoadWithTheirUser(_ engine: TestEngine) async throws {
        try await engine.withDatabase { db in
            let user = makeUser("dave")
            try await UserRepository(database: db).create(user)
            let sessions = SessionRepository(database: db)
            let now = Microseconds.now()
            let session = LoginSession(
                id: UUID().uuidString.lowercased(), userID: user.id, scopes: [.tasksWrite, .me], createdAt: now,
                lastUsedAt: now, expiresAt: now.addingTimeInterval(60), userAgent: "curl/8", revokedAt: nil)
            try await sessions.create(session, refreshTokenHash: "refresh")
            let found = try #require(try await sessions.findWithUser(sessionID: session.id))
            #expect(found.session == LoginSession(
                id: session.id, userID: user.id, scopes: [.me, .tasksWrite], createdAt: now, lastUsedAt: now,
                expiresAt: session.expiresAt, userAgent: "curl/8", revokedAt: nil))
            #expect(found.user == user)
            #expect(try await sessions.findWithUser(sessionID: "unknown") == nil)
        }
    }

    @Test(arguments: TestEngine.available)
    func theFirstSigningKeyWinsUntilTheAlgorithmChanges(_ engine: TestEngine) async throws {
        try await engine.withDatabase { db in
            let keys = SigningKeyRepository(database: db, box: SecretBox(key: nil))
            let now = Microseconds.now()
            let afterFirst = try await keys.ensureSigning(.es256, now: now)
            let afterSecond = try await keys.ensureSigning(.es256, now: now)
            #expect(afterFirst.map(\.key.kid) == afterSecond.map(\.key.kid))
            #expect(afterFirst.count == 1 && afterFirst[0].retiredAt == nil && afterFirst[0].key.algorithm == .es256)
            // Another algorithm configured: a new key signs, the old one is retired, not removed.
            let changed = try await keys.ensureSigning(.eddsa, now: now)
            #expect(changed.map(\.key.algorithm) == [.eddsa, .es256])
            #expect(changed[0].retiredAt == nil && changed[1].retiredAt == now)
        }
    }

    /// The v3 HS256 key is retired (not removed) when the asymmetric key first signs; its text was
    /// the key and stays so.
    @Test(arguments: TestEngine.available)
    func theKeyOfTheReleaseBeforeIsRetiredAndStillOpens(_ engine: TestEngine) async throws {
        try await engine.withDatabase { db in
            try await db.write { sql in
                try await sql.execute("INSERT INTO signing_keys (kid, secret, created_at) VALUES ('v3', 'the-v3-secret-text', 1)")
            }
            let now = Microseconds.now()
            let stored = try await SigningKeyRepository(database: db, box: SecretBox(key: nil)).ensureSigning(.es256, now: now)
            let legacy = try #require(stored.first { $0.key.kid == "v3" })
            #expect(legacy.retiredAt == now && legacy.key.algorithm == .hs256)
            guard case .hmac(let secret) = legacy.key.material else { Issue.record("not HMAC"); return }
            #expect(secret == Array("the-v3-secret-text".utf8))
        }
    }

    /// With `--secrets-key`, private keys are stored sealed; another key (or none) cannot open them.
    @Test(arguments: TestEngine.available)
    func privateKeysAreSealedWithTheSecretsKey(_ engine: TestEngine) async throws {
        try await engine.withDatabase { db in
            let box = SecretBox(key: SymmetricKey(size: .bits256))
            let stored = try await SigningKeyRepository(database: db, box: box).ensureSigning(.rs256, now: Microseconds.now())
            let text = try await db.read { sql in try await sql.first("SELECT secret FROM signing_keys") { try $0.string(0) } }
            #expect(text?.hasPrefix("v1:") == true)
            #expect(text?.contains("PRIVATE") == false)
            #expect(try await SigningKeyRepository(database: db, box: box).all().map(\.key.kid) == stored.map(\.key.kid))
            for other in [SecretBox(key: nil), SecretBox(key: SymmetricKey(size: .bits256))] {
                await #expect(throws: SigningKeyRepository.Failure.self) { try await SigningKeyRepository(database: db, box: other).all() }
            }
        }
    }

    /// A key stored before `--secrets-key` was set is sealed at the next start; until then, with the
    /// key set, a key in the clear is refused (whoever writes the database could have put it there).
    @Test(arguments: TestEngine.available)
    func keysStoredInTheClearAreSealedWhenTheSecretsKeyComes(_ engine: TestEngine) async throws {
        try await engine.withDatabase { db in
            let plain = SigningKeyRepository(database: db, box: SecretBox(key: nil))
            let stored = try await plain.ensureSigning(.es256, now: Microseconds.now())
            let sealing = SigningKeyRepository(database: db, box: SecretBox(key: SymmetricKey(size: .bits256)))
            await #expect(throws: SigningKeyRepository.Failure.self) { try await sealing.all() }
            #expect(try await sealing.ensureSigning(.es256, now: Microseconds.now()).map(\.key.kid) == stored.map(\.key.kid))
            let text = try await db.read { sql in try await sql.first("SELECT secret FROM signing_keys") { try $0.string(0) } }
            #expect(text?.hasPrefix("v1:") == true)
        }
    }

    @Test(arguments: TestEngine.available)
    func aWriteThatFailsLeavesNothingBehind(_ engine: TestEngine) async throws {
        try await engine.withDatabase { db in
            struct Boom: Error {}
            await #expect(throws: Boom.self) {
                try await db.write { sql in
                    try await sql.execute("INSERT INTO signing_keys (kid, secret, created_at) VALUES ('x', 'y', 1)")
                    throw Boom()
                }
            }
            let keys = try await SigningKeyRepository(database: db, box: SecretBox(key: nil)).all()
            #expect(keys.isEmpty)
        }
    }
}
