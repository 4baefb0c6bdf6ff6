import Foundation

/// Lists as their members see them. Every read joins the caller's membership and every write is
/// guarded by it (`ListAccess`): a list the caller is not in does not exist here.
struct ListRepository: Sendable {
    let database: AppDatabase

    /// A new account's default list, owned through its membership row (same transaction as the account).
    static func createDefault(for userID: String, id: String, at createdAt: Int64, on sql: SQLConnection) async throws {
        try await insert(id: id, name: TaskList.defaultName, ownerID: userID, isDefault: true, at: createdAt, on: sql)
    }

    func create(name: String, ownerID: String, at now: Date) async throws -> TaskList {
        let id = UUID().uuidString.lowercased()
        return try await database.write { sql in
            try await Self.insert(id: id, name: name, ownerID: ownerID, isDefault: false, at: Microseconds.from(now), on: sql)
            return try await Self.find(id: id, caller: ownerID, on: sql)
        }
    }

    func find(id: String, caller: String) async throws -> TaskList {
        try await database.read { sql in try await Self.find(id: id, caller: caller, on: sql) }
    }

    /// The caller's lists: their default list first, then oldest first.
    func page(caller: String, after cursor: PageCursor?, limit: Int) async throws -> (items: [TaskList], next: PageCursor?) {
        var query: SQLStatement = "\(Self.select(caller: caller, atLeast: .viewer)) WHERE 1 = 1"
        if let cursor {
            query += " AND (\(unsafeRaw: Self.sortKey), l.id) > (\(bind: cursor.createdAt), \(bind: cursor.id))"
        }
        query += " ORDER BY \(unsafeRaw: Self.sortKey), l.id LIMIT \(bind: limit + 1)"
        let finished = query
        let rows = try await database.read { sql in try await sql.all(finished, Self.decode) }
        guard rows.count > limit else { return (rows, nil) }
        let items = Array(rows.prefix(limit))
        let last = items[items.count - 1]
        return (items, PageCursor(createdAt: last.isDefault ? 0 : Microseconds.from(last.createdAt), id: last.id))
    }

    func rename(id: String, caller: String, to name: String, at now: Date) async throws -> TaskList {
        try await database.write { sql in
            _ = try await ListAccess.first(
                """
                UPDATE lists SET name = \(bind: name), updated_at = \(bind: Microseconds.from(now))
                WHERE id = \(bind: id) AND \(ListAccess.guarded(caller: caller, atLeast: .owner, listColumn: "lists.id")) RETURNING id
                """, { try $0.string(0) }, caller: caller, over: .list(id), needed: .owner, on: sql)
            let list = try await Self.find(id: id, caller: caller, on: sql)
            try await EventLog.append(.listUpdated, .list(list), listID: id, actor: caller, at: now, on: sql)
            return list
        }
    }

    /// Deletes the owner's list with its tasks, members and invitations (foreign keys cascade),
    /// unless it is a default list: `false`, and nothing deleted. Each member is told, in one
    /// event addressed to them: no membership is left to reach them by.
    func delete(id: String, caller: String, at now: Date) async throws -> Bool {
        try await database.write { sql in
            if try await Self.ownedListIsDefault(id, caller: caller, on: sql) { return false }
            let name = try await sql.first("SELECT name FROM lists WHERE id = \(bind: id)", { try $0.string(0) }) ?? ""
            let members = try await sql.all("SELECT user_id FROM list_members WHERE list_id = \(bind: id)", { try $0.string(0) })
            try await sql.execute("DELETE FROM lists WHERE id = \(bind: id)")
            // The events last, as in every write: the counter's row lock comes after the rows' (no deadlock).
            for member in members {
                try await EventLog.append(
                    .listDeleted, .deletedList(id: id, name: name), listID: id, recipient: member, actor: caller, at: now, on: sql)
            }
            return true
        }
    }

    /// The list's members, the owner first, then by the time they joined.
    func members(listID: String, caller: String) async throws -> [ListMember] {
        try await database.read { sql in
            // Every list has its owner as a member: nothing means the caller is not one.
            try await ListAccess.all(
                """
                SELECT u.id, u.username, m.role, m.added_at FROM list_members m JOIN users u ON u.id = m.user_id
                WHERE m.list_id = \(bind: listID) AND \(ListAccess.guarded(caller: caller, atLeast: .viewer, listColumn: "m.list_id"))
                ORDER BY m.role DESC, m.added_at, u.id
                """, Self.decodeMember, caller: caller, over: .list(listID), needed: .viewer, on: sql)
        }
    }

    /// The owner makes a member a viewer or an editor. `nil` when `userID` is the owner, whose
    /// role this does not change.
    func setRole(listID: String, userID: String, to role: ListRole, caller: String, at now: Date) async throws -> ListMember? {
        try await database.write { sql in
            let changed = try await sql.first(
                """
                UPDATE list_members SET role = \(bind: role.rawValue)
                WHERE list_id = \(bind: listID) AND user_id = \(bind: userID) AND role <> \(bind: ListRole.owner.rawValue)
                AND \(ListAccess.guarded(caller: caller, atLeast: .owner, listColumn: "list_members.list_id")) RETURNING user_id
                """, { try $0.string(0) })
            guard changed != nil else {
                let refusal = try await ListAccess.refusal(of: caller, over: .list(listID), needed: .owner, missing: .member, on: sql)
                if refusal == .notFound(.member), try await Self.isOwner(userID, of: listID, on: sql) { return nil }
                throw refusal
            }
            let member = try await Self.member(listID: listID, userID: userID, on: sql)
            try await EventLog.append(.memberUpdated, .member(member), listID: listID, actor: caller, at: now, on: sql)
            return member
        }
    }

    /// The owner removes a member, or a member leaves (`userID` is the caller). Their feed rows go
    /// with the membership; the tasks they made stay in the list. `false` when `userID` is the
    /// owner, who stays. The members are told, and the one who went, in an event of their own.
    func removeMember(listID: String, userID: String, caller: String, at now: Date) async throws -> Bool {
        try await database.write { sql in
            let member = try? await Self.member(listID: listID, userID: userID, on: sql)
            let removed = try await sql.first(
                """
                DELETE FROM list_members
                WHERE list_id = \(bind: listID) AND user_id = \(bind: userID) AND role <> \(bind: ListRole.owner.rawValue)
                AND (user_id = \(bind: caller) OR \(ListAccess.guarded(caller: caller, atLeast: .owner, listColumn: "list_members.list_id")))
                RETURNING user_id
                """, { try $0.string(0) })
            if removed != nil, let member {
                try await EventLog.append(.memberRemoved, .member(member), listID: listID, actor: caller, at: now, on: sql)
                try await EventLog.append(.memberRemoved, .member(member), listID: listID, recipient: userID, actor: caller, at: now, on: sql)
                return true
            }
            let refusal = try await ListAccess.refusal(of: caller, over: .list(listID), needed: .owner, missing: .member, on: sql)
            if refusal == .notFound(.member), try await Self.isOwner(userID, of: listID, on: sql) { return false }
            throw refusal
        }
    }

    /// What giving a list away came to.
    enum Transfer: Sendable, Equatable {
        case transferred(TaskList)
        /// A default list stays its owner's.
        case defaultList
        /// The new owner must already be a member.
        case notAMember
    }

    /// The owner gives the list away to a member, who becomes its owner; the old owner an editor.
    func transfer(listID: String, to newOwner: String, caller: String, at now: Date) async throws -> Transfer {
        // Exclusive: two transfers of one list at once must not both demote and promote.
        try await database.exclusiveWrite { sql in
            if try await Self.ownedListIsDefault(listID, caller: caller, on: sql) { return .defaultList }
            let targetRole = try await ListAccess.role(of: newOwner, over: .list(listID), on: sql)
            guard let targetRole else { return .notAMember }
            guard targetRole != .owner else { return .transferred(try await Self.find(id: listID, caller: caller, on: sql)) }
            // Demote first: the database allows one owner row at a time, and checks at COMMIT that
            // `lists.owner_id` names the owner row.
            let owner = ListRole.owner.rawValue
            try await sql.execute(
                "UPDATE list_members SET role = \(bind: ListRole.editor.rawValue) WHERE list_id = \(bind: listID) AND role = \(bind: owner)")
            try await sql.execute(
                "UPDATE list_members SET role = \(bind: owner) WHERE list_id = \(bind: listID) AND user_id = \(bind: newOwner)")
            try await sql.execute(
                "UPDATE lists SET owner_id = \(bind: newOwner), updated_at = \(bind: Microseconds.from(now)) WHERE id = \(bind: listID)")
            for member in [caller, newOwner] {
                let changed = try await Self.member(listID: listID, userID: member, on: sql)
                try await EventLog.append(.memberUpdated, .member(changed), listID: listID, actor: caller, at: now, on: sql)
            }
            let list = try await Self.find(id: listID, caller: caller, on: sql)
            try await EventLog.append(.listUpdated, .list(list), listID: listID, actor: caller, at: now, on: sql)
            return .transferred(list)
        }
    }

    // MARK: - Statements

    private static func insert(id: String, name: String, ownerID: String, isDefault: Bool, at createdAt: Int64, on sql: SQLConnection)
        async throws
    {
        try await sql.execute(
            """
            INSERT INTO lists (id, name, owner_id, is_default, created_at, updated_at)
            VALUES (\(bind: id), \(bind: name), \(bind: ownerID), \(bind: isDefault), \(bind: createdAt), \(bind: createdAt))
            """)
        try await sql.execute(
            """
            INSERT INTO list_members (list_id, user_id, role, added_at)
            VALUES (\(bind: id), \(bind: ownerID), \(bind: ListRole.owner.rawValue), \(bind: createdAt))
            """)
    }

    static func find(id: String, caller: String, on sql: SQLConnection) async throws -> TaskList {
        try await ListAccess.first(
            "\(select(caller: caller, atLeast: .viewer)) WHERE l.id = \(bind: id)", decode, caller: caller, over: .list(id), needed: .viewer,
            on: sql)
    }

    private static func member(listID: String, userID: String, on sql: SQLConnection) async throws -> ListMember {
        guard
            let member = try await sql.first(
                """
                SELECT u.id, u.username, m.role, m.added_at FROM list_members m JOIN users u ON u.id = m.user_id
                WHERE m.list_id = \(bind: listID) AND m.user_id = \(bind: userID)
                """, decodeMember)
        else { throw ListAccess.Refusal.notFound(.member) }
        return member
    }

    /// Whether the caller's own list `listID` is a default list; refused unless the caller owns it.
    private static func ownedListIsDefault(_ listID: String, caller: String, on sql: SQLConnection) async throws -> Bool {
        try await ListAccess.first(
            """
            SELECT is_default FROM lists
            WHERE id = \(bind: listID) AND \(ListAccess.guarded(caller: caller, atLeast: .owner, listColumn: "lists.id"))
            """, { try $0.bool(0) }, caller: caller, over: .list(listID), needed: .owner, on: sql)
    }

    private static func isOwner(_ userID: String, of listID: String, on sql: SQLConnection) async throws -> Bool {
        try await ListAccess.role(of: userID, over: .list(listID), on: sql) == .owner
    }

    /// The caller's default list sorts before every other (key 0); the rest by creation.
    private static let sortKey = "CASE WHEN l.is_default AND access.role = \(ListRole.owner.rawValue) THEN 0 ELSE l.created_at END"

    private static func select(caller: String, atLeast role: ListRole) -> SQLStatement {
        """
        SELECT l.id, l.name, access.role, l.owner_id, o.username, l.is_default AND access.role = \(unsafeRaw: String(ListRole.owner.rawValue)),
               (SELECT COUNT(*) FROM list_members c WHERE c.list_id = l.id), l.created_at, l.updated_at
        FROM lists l \(ListAccess.member(caller: caller, atLeast: role, listColumn: "l.id"))
        JOIN users o ON o.id = l.owner_id
        """
    }

    private static func decode(_ row: SQLRow) throws -> TaskList {
        TaskList(
            id: try row.string(0), name: try row.string(1), role: ListRole(rawValue: try row.int(2)) ?? .viewer,
            ownerID: try row.string(3), ownerUsername: try row.string(4), isDefault: try row.bool(5),
            memberCount: try row.int(6), createdAt: Microseconds.date(try row.int64(7)),
            updatedAt: Microseconds.date(try row.int64(8)))
    }

    private static func decodeMember(_ row: SQLRow) throws -> ListMember {
        ListMember(
            userID: try row.string(0), username: try row.string(1), role: ListRole(rawValue: try row.int(2)) ?? .viewer,
            addedAt: Microseconds.date(try row.int64(3)))
    }
}
