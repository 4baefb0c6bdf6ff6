import Foundation

/// Invitations to lists. The owner's side is guarded by `ListAccess` like every list route; the
/// invited user's side matches the invitation and its addressee together, so nobody answers, or
/// learns of, another user's invitation.
struct InvitationRepository: Sendable {
    let database: AppDatabase

    /// At most this many members and pending invitations a list.
    static let listLimit = 100
    /// At most this many pending invitations sent by one user.
    static let senderLimit = 50

    /// The owner invites `username` as `role`. Exclusive: the limits and "one pending invitation
    /// per user" are decided with no other invitation being made meanwhile.
    func invite(listID: String, username: String, role: ListRole, caller: String, at now: Date) async throws -> Invitation {
        let id = UUID().uuidString.lowercased()
        let nowMicros = Microseconds.from(now)
        return try await database.exclusiveWrite { sql in
            let owned = try await sql.first(
                """
                SELECT id FROM lists
                WHERE id = \(bind: listID) AND \(ListAccess.guarded(caller: caller, atLeast: .owner, listColumn: "lists.id"))
                """, { try $0.string(0) })
            if owned == nil {
                throw ListAccess.refusal(
                    listRole: try await ListAccess.role(of: caller, inList: listID, on: sql), needed: .owner, else: .list)
            }
            guard !FieldRules.hasNUL(username),
                let invitee = try await sql.first(
                    "SELECT id FROM users WHERE username_key = \(bind: UserRepository.key(username))", { try $0.string(0) })
            else { throw ListAccess.Refusal.notFound(.user) }
            if try await ListAccess.role(of: invitee, inList: listID, on: sql) != nil {
                throw ListAccess.Refusal.conflict("\(username) is already a member of this list")
            }
            try await sql.execute(
                """
                UPDATE list_invitations SET status = 'expired'
                WHERE status = 'pending' AND expires_at <= \(bind: nowMicros)
                AND (list_id = \(bind: listID) OR invited_by = \(bind: caller))
                """)
            let pendingForInvitee = try await sql.first(
                """
                SELECT COUNT(*) FROM list_invitations
                WHERE list_id = \(bind: listID) AND user_id = \(bind: invitee) AND status = 'pending'
                """, { try $0.int(0) }) ?? 0
            if pendingForInvitee > 0 { throw ListAccess.Refusal.conflict("\(username) is already invited to this list") }
            let taken = try await sql.first(
                """
                SELECT (SELECT COUNT(*) FROM list_members WHERE list_id = \(bind: listID))
                     + (SELECT COUNT(*) FROM list_invitations WHERE list_id = \(bind: listID) AND status = 'pending')
                """, { try $0.int(0) }) ?? 0
            if taken >= Self.listLimit {
                throw ListAccess.Refusal.conflict("A list has at most \(Self.listLimit) members and pending invitations")
            }
            let sent = try await sql.first(
                "SELECT COUNT(*) FROM list_invitations WHERE invited_by = \(bind: caller) AND status = 'pending'", { try $0.int(0) }) ?? 0
            if sent >= Self.senderLimit {
                throw ListAccess.Refusal.conflict("You have \(Self.senderLimit) pending invitations: withdraw some first")
            }
            try await sql.execute(
                """
                INSERT INTO list_invitations (id, list_id, user_id, role, invited_by, status, created_at, expires_at)
                VALUES (\(bind: id), \(bind: listID), \(bind: invitee), \(bind: role.rawValue), \(bind: caller), 'pending',
                        \(bind: nowMicros), \(bind: Microseconds.from(now.addingTimeInterval(Invitation.lifetime))))
                """)
            guard let invitation = try await sql.first("\(Self.select) WHERE i.id = \(bind: id)", Self.decode) else {
                throw ListAccess.Refusal.notFound(.invitation)
            }
            return invitation
        }
    }

    /// The list's pending invitations, oldest first (owner only).
    func pending(listID: String, caller: String, at now: Date) async throws -> [Invitation] {
        try await database.read { sql in
            let found = try await sql.all(
                """
                \(Self.select) WHERE i.list_id = \(bind: listID) AND \(Self.isPending(at: now))
                AND \(ListAccess.guarded(caller: caller, atLeast: .owner, listColumn: "i.list_id"))
                ORDER BY i.created_at, i.id
                """, Self.decode)
            // None: an owner's list without invitations, or not the caller's to see?
            if found.isEmpty, case let role = try await ListAccess.role(of: caller, inList: listID, on: sql), role != .owner {
                throw ListAccess.refusal(listRole: role, needed: .owner, else: .list)
            }
            return found
        }
    }

    /// The owner withdraws a pending invitation of this list.
    func withdraw(listID: String, invitationID: String, caller: String, at now: Date) async throws {
        try await database.write { sql in
            let withdrawn = try await sql.first(
                """
                UPDATE list_invitations SET status = 'withdrawn', answered_at = \(bind: Microseconds.from(now))
                WHERE id = \(bind: invitationID) AND list_id = \(bind: listID) AND \(Self.isPending(at: now, table: "list_invitations"))
                AND \(ListAccess.guarded(caller: caller, atLeast: .owner, listColumn: "list_invitations.list_id")) RETURNING id
                """, { try $0.string(0) })
            if withdrawn == nil {
                throw ListAccess.refusal(
                    listRole: try await ListAccess.role(of: caller, inList: listID, on: sql), needed: .owner, else: .invitation)
            }
        }
    }

    /// The caller's pending, unexpired invitations, newest first.
    func addressed(to caller: String, at now: Date) async throws -> [Invitation] {
        try await database.read { sql in
            try await sql.all(
                "\(Self.select) WHERE i.user_id = \(bind: caller) AND \(Self.isPending(at: now)) ORDER BY i.created_at DESC, i.id DESC",
                Self.decode)
        }
    }

    /// The addressee accepts: the invitation is used (one statement decides a race: the second of
    /// two accepts finds it no longer pending) and the membership made, with the list's tasks in
    /// the new member's feed (by `TaskFeedSchema`'s trigger). Returns the list's id.
    func accept(invitationID: String, caller: String, at now: Date) async throws -> String {
        try await database.write { sql in
            guard
                let (listID, roleNumber) = try await sql.first(
                    """
                    UPDATE list_invitations SET status = 'accepted', answered_at = \(bind: Microseconds.from(now))
                    WHERE id = \(bind: invitationID) AND user_id = \(bind: caller) AND \(Self.isPending(at: now, table: "list_invitations"))
                    RETURNING list_id, role
                    """, { (try $0.string(0), try $0.int(1)) })
            else { throw ListAccess.Refusal.notFound(.invitation) }
            do {
                try await sql.execute(
                    """
                    INSERT INTO list_members (list_id, user_id, role, added_at)
                    VALUES (\(bind: listID), \(bind: caller), \(bind: roleNumber), \(bind: Microseconds.from(now)))
                    """)
            } catch AppDatabase.Failure.uniqueViolation {
                throw ListAccess.Refusal.conflict("You are already a member of this list")
            }
            return listID
        }
    }

    /// The addressee declines.
    func decline(invitationID: String, caller: String, at now: Date) async throws {
        try await database.write { sql in
            let declined = try await sql.first(
                """
                UPDATE list_invitations SET status = 'declined', answered_at = \(bind: Microseconds.from(now))
                WHERE id = \(bind: invitationID) AND user_id = \(bind: caller) AND \(Self.isPending(at: now, table: "list_invitations"))
                RETURNING id
                """, { try $0.string(0) })
            if declined == nil { throw ListAccess.Refusal.notFound(.invitation) }
        }
    }

    private static func isPending(at now: Date, table: String = "i") -> SQLStatement {
        "\(unsafeRaw: table).status = 'pending' AND \(unsafeRaw: table).expires_at > \(bind: Microseconds.from(now))"
    }

    private static let select: SQLStatement = """
        SELECT i.id, i.list_id, l.name, i.user_id, u.username, i.role, i.invited_by, s.username, i.created_at, i.expires_at
        FROM list_invitations i JOIN lists l ON l.id = i.list_id JOIN users u ON u.id = i.user_id JOIN users s ON s.id = i.invited_by
        """

    private static func decode(_ row: SQLRow) throws -> Invitation {
        Invitation(
            id: try row.string(0), listID: try row.string(1), listName: try row.string(2), userID: try row.string(3),
            username: try row.string(4), role: ListRole(rawValue: try row.int(5)) ?? .viewer, invitedByID: try row.string(6),
            invitedByUsername: try row.string(7), createdAt: Microseconds.date(try row.int64(8)),
            expiresAt: Microseconds.date(try row.int64(9)))
    }
}
