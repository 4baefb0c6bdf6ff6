import Foundation
import Testing

@testable import TaskManager

/// The retention job keeps the event log bounded: events older than seven days go, the newest
/// never (SQLite numbers the next after it), and a reader resuming from a removed id is told to
/// reload; ended sessions go after the same time. On every engine.
@Suite struct RetentionTests {
    @Test(arguments: TestEngine.available)
    func oldEventsAndEndedSessionsGoTheRestStays(_ engine: TestEngine) async throws {
        try await engine.withDatabase { db in
            let users = UserRepository(database: db)
            let alice = makeUser("alice")
            try await users.create(alice)
            let tasks = TaskRepository(database: db)
            let day: Int64 = 86_400_000_000
            let now = Microseconds.from(Date())
            // Three events ten days old, two from yesterday.
            for (index, age) in [10, 10, 10, 1, 1].enumerated() {
                _ = try await tasks.create(makeTask(by: alice.id, title: "t\(index)", at: now - Int64(age) * day), inHomeOf: alice.id)
            }
            let log = EventLog(database: db)
            let before = try await log.events(for: alice.id, after: 0, limit: 100)
            #expect(before.count == 5)
            #expect(try await log.purge(now: Date()) == 3)
            let after = try await log.events(for: alice.id, after: 0, limit: 100)
            #expect(after.map(\.id) == Array(before.map(\.id).suffix(2)))
            let bounds = try await log.bounds()
            #expect(bounds.purgedThrough == before[2].id && bounds.last == before[4].id)

            // All old: all go but the newest, and the next id is still larger than every one before.
            #expect(try await log.purge(now: Date().addingTimeInterval(30 * 86_400)) == 1)
            _ = try await tasks.create(makeTask(by: alice.id, title: "next", at: now), inHomeOf: alice.id)
            let next = try await log.events(for: alice.id, after: before[4].id, limit: 10)
            #expect(next.count == 1 && next[0].id > before[4].id)

            // A stream resuming from a removed id starts with a reset; from a kept one, without.
            let service = EventService(log: log, hub: EventHub(database: db, clock: .system, logger: .init(label: "test")))
            let principal = Principal(user: alice, sessionID: "s", scopes: Scope.allCases, homeListID: "")
            let (old, oldStart) = try await service.openStream(for: principal, after: nil, lastEventID: String(before[0].id))
            #expect(oldStart.reset)
            service.hub.end(old.id)
            let (kept, keptStart) = try await service.openStream(for: principal, after: nil, lastEventID: String(before[4].id))
            #expect(!keptStart.reset && keptStart.cursor == before[4].id)
            service.hub.end(kept.id)

            // Sessions that ended more than seven days ago go; a live one and a recent end stay.
            let sessions = SessionRepository(database: db)
            try await db.write { sql in
                for (id, expires, revoked) in [("old-expired", now - 8 * day, nil), ("old-revoked", now + day, now - 9 * day),
                                              ("recent-revoked", now + day, now - day), ("live", now + day, nil)] as [(String, Int64, Int64?)] {
                    try await SessionRepository.insert(
                        LoginSession(
                            id: id, userID: alice.id, scopes: [.me], createdAt: Microseconds.date(now - 10 * day),
                            lastUsedAt: Microseconds.date(now - 10 * day), expiresAt: Microseconds.date(expires), userAgent: nil,
                            revokedAt: revoked.map(Microseconds.date)), on: sql)
                }
            }
            #expect(try await sessions.purgeEnded(before: Date().addingTimeInterval(-EventLog.retention)) == 2)
            let left = try await db.read { sql in try await sql.all("SELECT id FROM sessions ORDER BY id", { try $0.string(0) }) }
            #expect(left == ["live", "recent-revoked"])
        }
    }

    /// A client anyone registered goes after 30 days unused with no live session; one used
    /// lately, one with a live session and one an admin made stay.
    @Test(arguments: TestEngine.available)
    func unusedClientsRegisteredByAnyoneGo(_ engine: TestEngine) async throws {
        try await engine.withDatabase { db in
            let users = UserRepository(database: db)
            let alice = makeUser("alice")
            try await users.create(alice)
            let clients = ClientRepository(database: db)
            let now = Date()
            let old = now.addingTimeInterval(-40 * 86_400)
            func client(_ id: String, registeredFrom: String?) -> OAuthClient {
                OAuthClient(
                    id: id, name: id, redirectURIs: ["http://127.0.0.1/cb"], confidential: false, secretHash: nil, scopes: [.me],
                    createdAt: old, registeredFrom: registeredFrom)
            }
            for (id, from) in [("unused", "10.0.0.1"), ("used-lately", "10.0.0.1"), ("live-session", "10.0.0.1"), ("by-an-admin", nil), ("new", "10.0.0.2")] as [(String, String?)] {
                var made = client(id, registeredFrom: from)
                if id == "new" { made.createdAt = now }
                try await clients.create(made)
            }
            try await db.write { sql in
                // used a day ago, its session ended since; a live session last used 35 days ago.
                for (id, client, lastUsed, expires, revoked) in [
                    ("s1", "used-lately", now.addingTimeInterval(-86_400), now.addingTimeInterval(86_400), now),
                    ("s2", "live-session", now.addingTimeInterval(-35 * 86_400), now.addingTimeInterval(86_400), nil),
                    ("s3", "unused", now.addingTimeInterval(-35 * 86_400), now.addingTimeInterval(-86_400), nil),
                ] as [(String, String, Date, Date, Date?)] {
                    try await SessionRepository.insert(
                        LoginSession(
                            id: id, userID: alice.id, scopes: [.me], createdAt: old, lastUsedAt: lastUsed, expiresAt: expires, userAgent: nil,
                            revokedAt: revoked, clientID: client), on: sql)
                }
            }
            #expect(try await clients.removeUnused(before: now.addingTimeInterval(-RetentionJob.unusedClientAge), now: now) == 1)
            #expect(try await clients.all().map(\.id).sorted() == ["by-an-admin", "live-session", "new", "used-lately"])
        }
    }
}
