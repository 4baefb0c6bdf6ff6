import Foundation

/// Invitations to lists. The owner's side is guarded by `ListAccess` like every list route; the
/// invited user's side matches the invitation and its addressee together, so nobody answers, or
/// learns of, another user's invitation.
struct InvitationRepository: Sendable {
    let database: AppDatabase

    /// What an invitation came to; the rules' words are `SharingService`'s.
    enum Outcome: Sendable, Equatable {
        case invited(Invitation)
        case unknownUser
        case alreadyMember
        case alreadyInvited
        /// The list has `perList` members and pending invitations.
        case listFull
        /// The caller has `perSender` pending invitations.
        case senderFull
    }

    /// The owner invites `username` as `role`, within `limits`. Exclusive: the limits and "one
    /// pending invitation per user" are decided with no other invitation being made meanwhile.
    /// Invitations past their time are marked expired first, so they count for nothing.
    func invite(
        listID: String, username: String, role: ListRole, caller: String, at now: Date, limits: Invitation.Limits
    ) async throws -> Outcome {
        let id = UUID().uuidString.lowercased()
        let nowMicros = Microseconds.from(now)
        return try await database.exclusiveWrite { sql in
            _ = try await ListAccess.first(
                """
                SELECT id FROM lists
                WHERE id = \(bind: listID) AND \(ListAccess.guarded(caller: caller, atLeast: .owner, listColumn: "lists.id"))
                """, { try $0.string(0) }, caller: caller, over: .list(listID), needed: .owner, on: sql)
            guard !FieldRules.hasNUL(username),
                let invitee = try await sql.first(
                    "SELECT id FROM users WHERE username_key = \(bind: UserRepository.key(username))", { try $0.string(0) })
            else { return .unknownUser }
            if try await ListAccess.role(of: invitee, over: .list(listID), on: sql) != nil { return .alreadyMember }
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
            if pendingForInvitee > 0 { return .alreadyInvited }
            let taken = try await sql.first(
                """
                SELECT (SELECT COUNT(*) FROM list_members WHERE list_id = \(bind: listID))
                     + (SELECT COUNT(*) FROM list_invitations WHERE list_id = \(bind: listID) AND status = 'pending')
                """, { try $0.int(0) }) ?? 0
            if taken >= limits.perList { return .listFull }
            let sent = try await sql.first(
                "SELECT COUNT(*) FROM list_invitations WHERE invited_by = \(bind: caller) AND status = 'pending'", { try $0.int(0) }) ?? 0
            if sent >= limits.perSender { return .senderFull }
            try await sql.execute(
                """
                INSERT INTO list_invitations (id, list_id, user_id, role, invited_by, status, created_at, expires_at)
                VALUES (\(bind: id), \(bind: listID), \(bind: invitee), \(bind: role.rawValue), \(bind: caller), 'pending',
                        \(bind: nowMicros), \(bind: Microseconds.from(now.addingTimeInterval(Invitation.lifetime))))
                """)
            let invitation = try await Self.find(id, on: sql)
            // Addressed to the invitee alone, who sees nothing else of the list until they accept.
            try await EventLog.append(
                .invitationReceived, .invitation(invitation), listID: listID, recipient: invitee, actor: caller, at: now, on: sql)
            return .invited(invitation)
        }
    }

    /// The list's pending invitations, oldest first (owner only).
    func pending(listID: String, caller: String, at now: Date) async throws -> [Invitation] {
        try await database.read { sql in
            // None: an owner's list without invitations, or not the caller's to see?
            try await ListAccess.all(
                """
                \(Self.select) WHERE i.list_id = \(bind: listID) AND \(Self.isPending(at: now))
                AND \(ListAccess.guarded(caller: caller, atLeast: .owner, listColumn: "i.list_id"))
                ORDER BY i.created_at, i.id
                """, Self.decode, caller: caller, over: .list(listID), needed: .owner, on: sql)
        }
    }

    /// The owner withdraws a pending invitation of this list.
    func withdraw(listID: String, invitationID: String, caller: String, at now: Date) async throws {
        _ = try await database.write { sql in
            try await ListAccess.first(
                """
                UPDATE list_invitations SET status = 'withdrawn', answered_at = \(bind: Microseconds.from(now))
                WHERE id = \(bind: invitationID) AND list_id = \(bind: listID) AND \(Self.isPending(at: now, table: "list_invitations"))
                AND \(ListAccess.guarded(caller: caller, atLeast: .owner, listColumn: "list_invitations.list_id")) RETURNING id
                """, { try $0.string(0) }, caller: caller, over: .list(listID), needed: .owner, missing: .invitation, on: sql)
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
    /// the new member's feed (by `TaskFeedSchema`'s trigger). Only the addressee's own pending
    /// invitation is answered: another's is as good as none.
    func accept(invitationID: String, caller: String, at now: Date) async throws -> Acceptance {
        do {
            return try await accepting(invitationID: invitationID, caller: caller, at: now)
        } catch AppDatabase.Failure.uniqueViolation {
            // Rolled back, the invitation with it: nothing changed.
            return .alreadyMember
        }
    }

    private func accepting(invitationID: String, caller: String, at now: Date) async throws -> Acceptance {
        try await database.write { sql in
            guard
                let (listID, roleNumber) = try await sql.first(
                    """
                    UPDATE list_invitations SET status = 'accepted', answered_at = \(bind: Microseconds.from(now))
                    WHERE id = \(bind: invitationID) AND user_id = \(bind: caller) AND \(Self.isPending(at: now, table: "list_invitations"))
                    RETURNING list_id, role
                    """, { (try $0.string(0), try $0.int(1)) })
            else { return .noSuchInvitation }
            try await sql.execute(
                """
                INSERT INTO list_members (list_id, user_id, role, added_at)
                VALUES (\(bind: listID), \(bind: caller), \(bind: roleNumber), \(bind: Microseconds.from(now)))
                """)
            // The membership's events begin with the one that makes it. The event after the rows,
            // as in every write: the counter's row lock comes last (no deadlock).
            let username = try await sql.first("SELECT username FROM users WHERE id = \(bind: caller)", { try $0.string(0) }) ?? ""
            let member = ListMember(userID: caller, username: username, role: ListRole(rawValue: roleNumber) ?? .viewer, addedAt: now)
            let since = try await EventLog.append(.memberAdded, .member(member), listID: listID, actor: caller, at: now, on: sql)
            try await sql.execute(
                "UPDATE list_members SET since_event = \(bind: since) WHERE list_id = \(bind: listID) AND user_id = \(bind: caller)")
            return .joined(listID: listID)
        }
    }

    enum Acceptance: Sendable, Equatable {
        case joined(listID: String)
        case noSuchInvitation
        case alreadyMember
    }

    /// The addressee declines; `false` when there was no such pending invitation of theirs.
    func decline(invitationID: String, caller: String, at now: Date) async throws -> Bool {
        try await database.write { sql in
            let declined = try await sql.first(
                """
                UPDATE list_invitations SET status = 'declined', answered_at = \(bind: Microseconds.from(now))
                WHERE id = \(bind: invitationID) AND user_id = \(bind: caller) AND \(Self.isPending(at: now, table: "list_invitations"))
                RETURNING id
                """, { try $0.string(0) })
            return declined != nil
        }
    }

    private static func find(_ id: String, on sql: SQLConnection) async throws -> Invitation {
        guard let invitation = try await sql.first("\(select) WHERE i.id = \(bind: id)", decode) else {
            throw ListAccess.Refusal.notFound(.invitation)
        }
        return invitation
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
