import Foundation

/// Users in the database. Usernames are unique by their lower-cased key. Every change to a user
/// evicts its sessions from this process's `SessionCache` once it is committed.
struct UserRepository: Sendable {
    let database: AppDatabase

    /// Inserts `user` with their default list; throws `AppDatabase.Failure.uniqueViolation` when
    /// the username is taken.
    func create(_ user: User) async throws {
        let listID = UUID().uuidString.lowercased()
        try await database.write { sql in
            try await sql.execute(
                """
                INSERT INTO users (id, username, username_key, email, full_name, password_hash, is_active, is_admin, created_at)
                VALUES (\(bind: user.id), \(bind: user.username), \(bind: Self.key(user.username)), \(bind: user.email),
                        \(bind: user.fullName), \(bind: user.passwordHash), \(bind: user.isActive), \(bind: user.isAdmin),
                        \(bind: Microseconds.from(user.createdAt)))
                """)
            try await ListRepository.createDefault(for: user.id, id: listID, at: Microseconds.from(user.createdAt), on: sql)
        }
    }

    func find(id: String) async throws -> User? {
        try await database.read { sql in try await Self.find(id: id, on: sql) }
    }

    /// Looks a user up by name, case-insensitively.
    func find(username: String) async throws -> User? {
        // No username holds a NUL (they are ASCII letters, digits and `.-_`), and PostgreSQL could
        // not even compare one: a login with such a name finds no one, on both engines.
        if FieldRules.hasNUL(username) { return nil }
        return try await database.read { sql in
            try await sql.first(
                "SELECT \(unsafeRaw: Self.columns) FROM users WHERE username_key = \(bind: Self.key(username))",
                { try Self.decode($0) })
        }
    }

    /// Applies `change` and returns the user as it now is, or `nil` when there is no such user.
    func update(id: String, _ change: UserProfileChange, now: Date) async throws -> User? {
        var assignments: [SQLStatement] = []
        if let email = change.email { assignments.append("email = \(bind: email)") }
        if let fullName = change.fullName { assignments.append("full_name = \(bind: fullName)") }
        if !assignments.isEmpty { assignments.append("profile_updated_at = \(bind: Microseconds.from(now))") }
        let statement: SQLStatement? =
            assignments.isEmpty ? nil : "UPDATE users SET \(assignments.joined(separator: ", ")) WHERE id = \(bind: id)"
        let user = try await database.write { sql in
            if let statement { try await sql.execute(statement) }
            return try await Self.find(id: id, on: sql)
        }
        database.sessionCache.evict(userID: id)
        return user
    }

    static func key(_ username: String) -> String { username.lowercased() }

    private static let columnNames = [
        "id", "username", "email", "full_name", "password_hash", "is_active", "is_admin", "created_at", "mfa_enabled", "profile_updated_at",
    ]
    /// The column list `decode` reads by index.
    static let columns = columnNames.joined(separator: ", ")
    /// The same columns of `users u` in a join.
    static let joinedColumns = columnNames.map { "u." + $0 }.joined(separator: ", ")
    static let columnCount = columnNames.count

    /// Reads the columns of `columns`, starting at column `start`.
    static func decode(_ row: SQLRow, from start: Int = 0) throws -> User {
        User(
            id: try row.string(start),
            username: try row.string(start + 1),
            email: try row.optionalString(start + 2),
            fullName: try row.optionalString(start + 3),
            passwordHash: try row.string(start + 4),
            isActive: try row.bool(start + 5),
            isAdmin: try row.bool(start + 6),
            createdAt: Microseconds.date(try row.int64(start + 7)),
            mfaEnabled: try row.bool(start + 8),
            profileUpdatedAt: try row.optionalInt64(start + 9).map(Microseconds.date))
    }
}

extension UserRepository {
    enum ChangeOutcome: Sendable, Equatable {
        case changed(User)
        case deleted
        case notFound
        /// The change would leave no active admin.
        case lastActiveAdmin
    }

    /// Deletes the user with its sessions, refresh tokens, the lists it owns with their tasks, its
    /// memberships and invitations (foreign keys cascade), in one transaction, unless it is the last
    /// active admin. Tasks it made in other people's lists stay, with `created_by` NULL. The other
    /// members are told: `list.deleted` for each list it owned, `member.removed` where it was a
    /// member (their actor is the account, so `null` once read).
    func delete(id: String, at now: Date) async throws -> ChangeOutcome {
        // Exclusive: two admins removing each other at once must not leave none.
        let outcome = try await database.exclusiveWrite { sql -> ChangeOutcome in
            guard let user = try await Self.find(id: id, on: sql) else { return .notFound }
            if user.isAdmin, user.isActive, try await Self.activeAdminCount(on: sql) <= 1 { return .lastActiveAdmin }
            let owner = ListRole.owner.rawValue
            let owned = try await sql.all(
                """
                SELECT l.id, l.name, o.user_id FROM lists l JOIN list_members o ON o.list_id = l.id AND o.user_id <> \(bind: id)
                WHERE l.owner_id = \(bind: id)
                """, { (list: try $0.string(0), name: try $0.string(1), member: try $0.string(2)) })
            let memberships = try await sql.all(
                "SELECT list_id, role, added_at FROM list_members WHERE user_id = \(bind: id) AND role <> \(bind: owner)",
                { (list: try $0.string(0), role: ListRole(rawValue: try $0.int(1)) ?? .viewer, addedAt: Microseconds.date(try $0.int64(2))) })
            try await sql.execute("DELETE FROM users WHERE id = \(bind: id)")
            // The events after the rows, as in every write (the counter's lock comes last).
            for row in owned {
                try await EventLog.append(
                    .listDeleted, .deletedList(id: row.list, name: row.name), listID: row.list, recipient: row.member, actor: id, at: now,
                    on: sql)
            }
            for row in memberships {
                let member = ListMember(userID: id, username: user.username, role: row.role, addedAt: row.addedAt)
                try await EventLog.append(.memberRemoved, .member(member), listID: row.list, actor: id, at: now, on: sql)
            }
            return .deleted
        }
        database.sessionCache.evict(userID: id)
        return outcome
    }

    /// Enables, disables, promotes or demotes; disabling ends every session of the user.
    func setFlags(id: String, isActive: Bool?, isAdmin: Bool?, now: Date) async throws -> ChangeOutcome {
        let outcome = try await database.exclusiveWrite { sql -> ChangeOutcome in
            guard let user = try await Self.find(id: id, on: sql) else { return .notFound }
            let losesAdmin = user.isAdmin && user.isActive && (isActive == false || isAdmin == false)
            if losesAdmin, try await Self.activeAdminCount(on: sql) <= 1 { return .lastActiveAdmin }
            var assignments: [SQLStatement] = []
            if let isActive { assignments.append("is_active = \(bind: isActive)") }
            if let isAdmin { assignments.append("is_admin = \(bind: isAdmin)") }
            if !assignments.isEmpty {
                try await sql.execute("UPDATE users SET \(assignments.joined(separator: ", ")) WHERE id = \(bind: id)")
            }
            if isActive == false { try await SessionRepository.revokeAll(userID: id, keeping: nil, now: now, on: sql) }
            return try await Self.find(id: id, on: sql).map(ChangeOutcome.changed) ?? .notFound
        }
        database.sessionCache.evict(userID: id)
        return outcome
    }

    /// Stores a new password hash and ends the user's sessions, but `keeping` one.
    func setPassword(id: String, hash: String, keepingSession keeping: String?, now: Date) async throws {
        try await database.write { sql in
            try await sql.execute("UPDATE users SET password_hash = \(bind: hash) WHERE id = \(bind: id)")
            try await SessionRepository.revokeAll(userID: id, keeping: keeping, now: now, on: sql)
        }
        database.sessionCache.evict(userID: id)
    }

    /// One page of every user, oldest first.
    func list(after cursor: PageCursor?, limit: Int) async throws -> (items: [User], next: PageCursor?) {
        var query: SQLStatement = "SELECT \(unsafeRaw: Self.columns) FROM users"
        if let cursor { query += " WHERE (created_at, id) > (\(bind: cursor.createdAt), \(bind: cursor.id))" }
        let finished = query + " ORDER BY created_at, id LIMIT \(bind: limit + 1)"
        let rows = try await database.read { sql in try await sql.all(finished, { try Self.decode($0) }) }
        guard rows.count > limit else { return (rows, nil) }
        let items = Array(rows.prefix(limit))
        return (items, items.last.map { PageCursor(createdAt: Microseconds.from($0.createdAt), id: $0.id) })
    }

    static func find(id: String, on sql: SQLConnection) async throws -> User? {
        try await sql.first("SELECT \(unsafeRaw: columns) FROM users WHERE id = \(bind: id)", { try decode($0) })
    }

    private static func activeAdminCount(on sql: SQLConnection) async throws -> Int {
        try await sql.first(
            "SELECT COUNT(*) FROM users WHERE is_admin = \(bind: true) AND is_active = \(bind: true)", { try $0.int(0) }
        ) ?? 0
    }
}
