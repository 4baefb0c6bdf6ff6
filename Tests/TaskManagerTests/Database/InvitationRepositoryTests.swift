import Foundation
import Testing

@testable import TaskManager

/// The invitation rules that take many rows or a moved clock, on every engine.
@Suite struct InvitationRepositoryTests {
    /// A list holds at most 100 members and pending invitations together.
    @Test(arguments: TestEngine.available)
    func aListStopsAtAHundredMembersAndInvitations(_ engine: TestEngine) async throws {
        try await engine.withDatabase { db in
            let users = UserRepository(database: db)
            let owner = makeUser("owner")
            try await users.create(owner)
            let list = try await ListRepository(database: db).create(name: "Club", ownerID: owner.id, at: Date())
            // 98 members beside the owner, and one pending invitation: 100.
            var people: [User] = []
            for index in 0..<100 {
                let user = makeUser("person\(index)")
                try await users.create(user)
                people.append(user)
            }
            try await db.write { [people] sql in
                for user in people.prefix(98) {
                    try await sql.execute(
                        "INSERT INTO list_members (list_id, user_id, role, added_at) VALUES (\(bind: list.id), \(bind: user.id), 1, 1)")
                }
            }
            let invitations = InvitationRepository(database: db)
            let sharing = SharingService(lists: ListRepository(database: db), invitations: invitations, clock: .system)
            _ = try await sharing.invite(listID: list.id, username: people[98].username, role: .viewer, caller: owner.id)
            #expect(
                try await invitations.invite(
                    listID: list.id, username: people[99].username, role: .viewer, caller: owner.id, at: Date(), limits: SharingService.limits)
                    == .listFull)
            await #expect(throws: APIError.conflict("A list has at most 100 members and pending invitations")) {
                try await sharing.invite(listID: list.id, username: people[99].username, role: .viewer, caller: owner.id)
            }
            #expect(try await ListRepository(database: db).find(id: list.id, caller: owner.id).memberCount == 99)
        }
    }

    /// After seven days an invitation is gone for its addressee and may be sent again.
    @Test(arguments: TestEngine.available)
    func anInvitationExpiresAfterSevenDays(_ engine: TestEngine) async throws {
        try await engine.withDatabase { db in
            let users = UserRepository(database: db)
            let (owner, guest) = (makeUser("owner"), makeUser("guest"))
            try await users.create(owner)
            try await users.create(guest)
            let list = try await ListRepository(database: db).create(name: "Club", ownerID: owner.id, at: Date())
            let invitations = InvitationRepository(database: db)
            let sent = Microseconds.date(1_000_000_000_000)
            let invitation = try await invitations.invite(listID: list.id, username: "GUEST", role: .editor, caller: owner.id, at: sent).made
            #expect(invitation.expiresAt == sent.addingTimeInterval(7 * 24 * 3600))
            let late = sent.addingTimeInterval(7 * 24 * 3600 + 1)
            #expect(try await invitations.addressed(to: guest.id, at: late).isEmpty)
            #expect(try await invitations.pending(listID: list.id, caller: owner.id, at: late).isEmpty)
            #expect(try await invitations.accept(invitationID: invitation.id, caller: guest.id, at: late) == .noSuchInvitation)
            // Sent again: the expired one no longer counts as pending.
            let again = try await invitations.invite(listID: list.id, username: "guest", role: .viewer, caller: owner.id, at: late).made
            #expect(try await invitations.accept(invitationID: again.id, caller: guest.id, at: late) == .joined(listID: list.id))
            #expect(try await ListAccess.role(of: guest.id, inList: list.id, on: db) == .viewer)
        }
    }
}

extension ListAccess {
    /// For tests: the role read outside a request's transaction.
    static func role(of user: String, inList listID: String, on database: AppDatabase) async throws -> ListRole? {
        try await database.read { sql in try await role(of: user, over: .list(listID), on: sql) }
    }
}

extension InvitationRepository {
    /// For tests: `invite` within the contract's limits.
    func invite(listID: String, username: String, role: ListRole, caller: String, at now: Date) async throws -> Outcome {
        try await invite(listID: listID, username: username, role: role, caller: caller, at: now, limits: SharingService.limits)
    }
}

extension InvitationRepository.Outcome {
    /// The invitation made; a test fails on any other outcome.
    var made: Invitation {
        get throws {
            guard case .invited(let invitation) = self else { throw RefusedInvitation(outcome: self) }
            return invitation
        }
    }
}

struct RefusedInvitation: Error {
    var outcome: InvitationRepository.Outcome
}
