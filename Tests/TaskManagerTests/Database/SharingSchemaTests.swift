import Foundation
import Logging
import Testing

@testable import TaskManager

/// What the database itself holds about lists, whatever the code does, and the migration that
/// brought lists to databases written before them.
@Suite struct SharingSchemaTests {
    @Test(arguments: TestEngine.available)
    func theDatabaseKeepsOneOwnerAndOneMembershipPerList(_ engine: TestEngine) async throws {
        try await engine.withDatabase { db in
            let (alice, bob) = (makeUser("alice"), makeUser("bob"))
            try await UserRepository(database: db).create(alice)
            try await UserRepository(database: db).create(bob)
            let list = try await ListRepository(database: db).create(name: "Shared", ownerID: alice.id, at: Date())
            func write(_ statement: SQLStatement) async throws {
                try await db.write { sql in try await sql.execute(statement) }
            }
            try await write("INSERT INTO list_members (list_id, user_id, role, added_at) VALUES (\(bind: list.id), \(bind: bob.id), 2, 1)")
            // A second owner.
            await #expect(throws: AppDatabase.Failure.uniqueViolation) {
                try await write("UPDATE list_members SET role = 3 WHERE list_id = \(bind: list.id) AND user_id = \(bind: bob.id)")
            }
            // A second membership of one user.
            await #expect(throws: AppDatabase.Failure.uniqueViolation) {
                try await write("INSERT INTO list_members (list_id, user_id, role, added_at) VALUES (\(bind: list.id), \(bind: bob.id), 1, 1)")
            }
            // No owner: the owner's row removed, or demoted, while the list stays.
            await #expect(throws: AppDatabase.Failure.foreignKeyViolation) {
                try await write("DELETE FROM list_members WHERE list_id = \(bind: list.id) AND user_id = \(bind: alice.id)")
            }
            await #expect(throws: AppDatabase.Failure.foreignKeyViolation) {
                try await write("UPDATE list_members SET role = 2 WHERE list_id = \(bind: list.id) AND user_id = \(bind: alice.id)")
            }
            // A list whose named owner is not its owner member.
            await #expect(throws: AppDatabase.Failure.foreignKeyViolation) {
                try await write("UPDATE lists SET owner_id = \(bind: bob.id) WHERE id = \(bind: list.id)")
            }
            // Two pending invitations of one user to one list.
            let invite: SQLStatement = """
                INSERT INTO list_invitations (id, list_id, user_id, role, invited_by, status, created_at, expires_at)
                VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: list.id), \(bind: bob.id), 1, \(bind: alice.id), 'pending', 1, 2)
                """
            try await write("DELETE FROM list_members WHERE list_id = \(bind: list.id) AND user_id = \(bind: bob.id)")
            try await write(invite)
            await #expect(throws: AppDatabase.Failure.uniqueViolation) {
                try await write("""
                    INSERT INTO list_invitations (id, list_id, user_id, role, invited_by, status, created_at, expires_at)
                    VALUES ('second', \(bind: list.id), \(bind: bob.id), 2, \(bind: alice.id), 'pending', 1, 2)
                    """)
            }
            // A task in a list that is not there.
            await #expect(throws: AppDatabase.Failure.foreignKeyViolation) {
                try await write("""
                    INSERT INTO tasks (id, list_id, created_by, title, description, done, priority, due_date, created_at, updated_at)
                    VALUES ('t', 'no-such-list', NULL, 'x', '', \(bind: false), 'normal', NULL, 1, 1)
                    """)
            }
            // Still exactly one owner, and the list as it was.
            let owners = try await db.read { sql in
                try await sql.all("SELECT user_id FROM list_members WHERE list_id = \(bind: list.id) AND role = 3") { try $0.string(0) }
            }
            #expect(owners == [alice.id])
        }
    }

    /// `task_feed` is an index kept by triggers (migration 8): after each change to tasks or
    /// memberships, by our repositories and by the cascades of deleting a list or an account, its
    /// rows are exactly one per (member, task of their list), none left behind, none missing.
    @Test(arguments: TestEngine.available)
    func theFeedIsAlwaysOneRowPerMemberAndTask(_ engine: TestEngine) async throws {
        try await engine.withDatabase { db in
            let (alice, bob, cat) = (makeUser("alice"), makeUser("bob"), makeUser("cat"))
            for user in [alice, bob, cat] { try await UserRepository(database: db).create(user) }
            let (lists, tasks, invitations) = (ListRepository(database: db), TaskRepository(database: db), InvitationRepository(database: db))
            func rows(_ query: SQLStatement) async throws -> Set<String> {
                Set(try await db.read { sql in try await sql.all(query) { "\(try $0.string(0)) \(try $0.int64(1)) \(try $0.string(2))" } })
            }
            func expectFeedMatchesMemberships(_ step: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
                let feed = try await rows("SELECT user_id, created_at, task_id FROM task_feed")
                let expected = try await rows(
                    "SELECT m.user_id, t.created_at, t.id FROM tasks t JOIN list_members m ON m.list_id = t.list_id")
                #expect(feed == expected, "\(step)", sourceLocation: sourceLocation)
            }
            func join(_ listID: String, _ user: User, as role: ListRole) async throws {
                let invitation = try await invitations.invite(listID: listID, username: user.username, role: role, caller: alice.id, at: Date()).made
                _ = try await invitations.accept(invitationID: invitation.id, caller: user.id, at: Date())
            }
            func add(_ title: String, to listID: String?, by user: User, at time: Int64) async throws -> TaskItem {
                let task = makeTask(by: user.id, title: title, at: time)
                guard let listID else { return try await tasks.create(task, inHomeOf: user.id) }
                return try await tasks.create(task, in: listID, caller: user.id)
            }

            let shared = try await lists.create(name: "Shared", ownerID: alice.id, at: Date())
            let other = try await lists.create(name: "Other", ownerID: alice.id, at: Date())
            _ = try await add("home", to: nil, by: alice, at: 1)
            let early = try await add("early", to: shared.id, by: alice, at: 2)
            try await expectFeedMatchesMemberships("tasks made before anyone joined")
            try await join(shared.id, bob, as: .editor)
            try await join(shared.id, cat, as: .viewer)
            try await join(other.id, bob, as: .viewer)
            try await expectFeedMatchesMemberships("members joined: the list's tasks are in their feeds")
            let byBob = try await add("by bob", to: shared.id, by: bob, at: 3)
            _ = try await add("bob's own", to: nil, by: bob, at: 4)
            try await expectFeedMatchesMemberships("tasks made in a shared list and in a default list")
            _ = try await tasks.update(id: early.id, caller: alice.id, TaskChange(listID: other.id), at: Date())
            try await expectFeedMatchesMemberships("a task moved to a list with other members")
            _ = try await tasks.update(id: early.id, caller: alice.id, TaskChange(title: "renamed"), at: Date())
            try await expectFeedMatchesMemberships("a task changed but not moved")
            _ = try await lists.setRole(listID: shared.id, userID: cat.id, to: .editor, caller: alice.id, at: Date())
            try await expectFeedMatchesMemberships("a role changed")
            try await tasks.delete(id: byBob.id, caller: alice.id, at: Date())
            try await expectFeedMatchesMemberships("a task deleted")
            _ = try await lists.removeMember(listID: shared.id, userID: cat.id, caller: alice.id, at: Date())
            _ = try await lists.removeMember(listID: other.id, userID: bob.id, caller: bob.id, at: Date())
            try await expectFeedMatchesMemberships("a member removed, a member left")
            _ = try await add("late", to: shared.id, by: bob, at: 5)
            _ = try await lists.transfer(listID: shared.id, to: bob.id, caller: alice.id, at: Date())
            try await expectFeedMatchesMemberships("the list given away")
            try await join(other.id, cat, as: .editor)
            #expect(try await UserRepository(database: db).delete(id: cat.id, at: Date()) == .deleted)
            try await expectFeedMatchesMemberships("a member's account deleted")
            _ = try await lists.delete(id: other.id, caller: alice.id, at: Date())
            try await expectFeedMatchesMemberships("a list deleted with its tasks and members")
            #expect(try await UserRepository(database: db).delete(id: bob.id, at: Date()) == .deleted)
            try await expectFeedMatchesMemberships("an owner's account deleted, with the list it owned")
            // What is left: alice's task in her default list, in her feed alone.
            #expect(try await rows("SELECT user_id, created_at, task_id FROM task_feed").count == 1)
        }
    }

    /// A database written by the schema before lists, with tasks in it, migrated: every task is in
    /// its owner's default list, made by its owner, and found by its owner as before.
    @Test(arguments: TestEngine.available)
    func theMigrationPutsEveryTaskInItsOwnersDefaultList(_ engine: TestEngine) async throws {
        try await engine.withEmptyDatabase { url in
            try await AppDatabase.withRunning(url, pool: TestPostgres.pool, logger: Logger(label: "test")) { db in
                try await Migrations.run(on: db, upTo: 5)
                let owners = ["ann", "ben", "cat"].map { makeUser($0) }
                var expected: [String: [String]] = [:]
                for (index, user) in owners.enumerated() {
                    // Newest first, as the owner will read them back.
                    let ids = (0..<(index + 2)).map { _ in UUID().uuidString.lowercased() }
                    expected[user.id] = ids.reversed()
                    try await db.write { sql in
                        try await sql.execute(
                            """
                            INSERT INTO users (id, username, username_key, password_hash, is_active, is_admin, created_at)
                            VALUES (\(bind: user.id), \(bind: user.username), \(bind: user.username), 'x', \(bind: true), \(bind: false), 1)
                            """)
                        for (number, id) in ids.enumerated() {
                            try await sql.execute(
                                """
                                INSERT INTO tasks (id, owner_id, title, description, done, priority, due_date, created_at, updated_at)
                                VALUES (\(bind: id), \(bind: user.id), \(bind: "\(user.username) \(number)"), '', \(bind: number == 0),
                                        'high', '2026-12-24', \(bind: Int64(10 + number)), \(bind: Int64(10 + number)))
                                """)
                        }
                    }
                }
                #expect(try await Migrations.run(on: db) == Migrations.all.map(\.version).filter { $0 > 5 })
                let tasks = TaskRepository(database: db)
                let lists = ListRepository(database: db)
                for user in owners {
                    let page = try await lists.page(caller: user.id, after: nil, limit: 10)
                    #expect(page.items.count == 1)
                    let home = try #require(page.items.first)
                    #expect(home.isDefault && home.role == .owner && home.name == "My tasks")
                    let found = try await tasks.list(caller: user.id, listID: nil, filter: .init(), after: nil, limit: 100).items
                    #expect(found.map(\.id) == expected[user.id])
                    #expect(found.allSatisfy { $0.listID == home.id && $0.createdBy == user.id && $0.priority == .high })
                    #expect(found.filter(\.done).count == 1)
                    let inList = try await tasks.list(caller: user.id, listID: home.id, filter: .init(), after: nil, limit: 100)
                    #expect(inList.items.map(\.id) == expected[user.id])
                }
                // Nobody sees another's tasks after the move.
                let foreign = try #require(expected[owners[0].id]?.first)
                await #expect(throws: ListAccess.Refusal.notFound(.task)) { try await tasks.find(id: foreign, caller: owners[1].id) }
            }
        }
    }
}
