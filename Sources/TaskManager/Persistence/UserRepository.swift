import Foundation
import SQLKit

/// Users in the database. Usernames are unique by their lower-cased key.
struct UserRepository: Sendable {
    let database: Database

    /// Inserts `user`; throws `Database.Failure.uniqueViolation` when the username is taken.
    func create(_ user: User) async throws {
        try await database.write { sql in
            try await sql.raw(
                """
                INSERT INTO users (id, username, username_key, email, full_name, password_hash, is_active, is_admin, created_at)
                VALUES (\(bind: user.id), \(bind: user.username), \(bind: Self.key(user.username)), \(bind: user.email),
                        \(bind: user.fullName), \(bind: user.passwordHash), \(bind: user.isActive), \(bind: user.isAdmin),
                        \(bind: Microseconds.from(user.createdAt)))
                """
            ).run()
        }
    }

    func find(id: String) async throws -> User? {
        try await database.read { sql in
            try await sql.raw("SELECT \(unsafeRaw: Self.columns) FROM users WHERE id = \(bind: id)").first()
                .map(Self.decode)
        }
    }

    /// Looks a user up by name, case-insensitively.
    func find(username: String) async throws -> User? {
        try await database.read { sql in
            try await sql.raw(
                "SELECT \(unsafeRaw: Self.columns) FROM users WHERE username_key = \(bind: Self.key(username))"
            ).first().map(Self.decode)
        }
    }

    /// Applies `change` and returns the user as it now is, or `nil` when there is no such user.
    func update(id: String, _ change: UserProfileChange) async throws -> User? {
        try await database.write { sql in
            var assignments: [SQLQueryString] = []
            if let email = change.email { assignments.append("email = \(bind: email)") }
            if let fullName = change.fullName { assignments.append("full_name = \(bind: fullName)") }
            if !assignments.isEmpty {
                try await sql.raw("UPDATE users SET \(assignments.joined(separator: ", ")) WHERE id = \(bind: id)").run()
            }
            return try await sql.raw("SELECT \(unsafeRaw: Self.columns) FROM users WHERE id = \(bind: id)").first()
                .map(Self.decode)
        }
    }

    static func key(_ username: String) -> String { username.lowercased() }

    static let columns = "id, username, email, full_name, password_hash, is_active, is_admin, created_at"

    static func decode(_ row: any SQLRow) throws -> User {
        User(
            id: try row.decode(column: "id", as: String.self),
            username: try row.decode(column: "username", as: String.self),
            email: try row.decode(column: "email", as: String?.self),
            fullName: try row.decode(column: "full_name", as: String?.self),
            passwordHash: try row.decode(column: "password_hash", as: String.self),
            isActive: try row.decode(column: "is_active", as: Bool.self),
            isAdmin: try row.decode(column: "is_admin", as: Bool.self),
            createdAt: Microseconds.date(try row.decode(column: "created_at", as: Int64.self)))
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

    /// Deletes the user with its sessions, refresh tokens and tasks (foreign keys cascade), in one
    /// transaction, unless it is the last active admin.
    func delete(id: String) async throws -> ChangeOutcome {
        // Exclusive: two admins removing each other at once must not leave none.
        try await database.exclusiveWrite { sql in
            guard let user = try await Self.find(id: id, on: sql) else { return .notFound }
            if user.isAdmin, user.isActive, try await Self.activeAdminCount(on: sql) <= 1 { return .lastActiveAdmin }
            try await sql.raw("DELETE FROM users WHERE id = \(bind: id)").run()
            return .deleted
        }
    }

    /// Enables, disables, promotes or demotes; disabling ends every session of the user.
    func setFlags(id: String, isActive: Bool?, isAdmin: Bool?, now: Date) async throws -> ChangeOutcome {
        try await database.exclusiveWrite { sql in
            guard let user = try await Self.find(id: id, on: sql) else { return .notFound }
            let losesAdmin = user.isAdmin && user.isActive && (isActive == false || isAdmin == false)
            if losesAdmin, try await Self.activeAdminCount(on: sql) <= 1 { return .lastActiveAdmin }
            var assignments: [SQLQueryString] = []
            if let isActive { assignments.append("is_active = \(bind: isActive)") }
            if let isAdmin { assignments.append("is_admin = \(bind: isAdmin)") }
            if !assignments.isEmpty {
                try await sql.raw("UPDATE users SET \(assignments.joined(separator: ", ")) WHERE id = \(bind: id)").run()
            }
            if isActive == false { try await SessionRepository.revokeAll(userID: id, keeping: nil, now: now, on: sql) }
            return try await Self.find(id: id, on: sql).map(ChangeOutcome.changed) ?? .notFound
        }
    }

    /// Stores a new password hash and ends the user's sessions, but `keeping` one.
    func setPassword(id: String, hash: String, keepingSession keeping: String?, now: Date) async throws {
        try await database.write { sql in
            try await sql.raw("UPDATE users SET password_hash = \(bind: hash) WHERE id = \(bind: id)").run()
            try await SessionRepository.revokeAll(userID: id, keeping: keeping, now: now, on: sql)
        }
    }

    /// One page of every user, oldest first.
    func list(after cursor: PageCursor?, limit: Int) async throws -> (items: [User], next: PageCursor?) {
        var query: SQLQueryString = "SELECT \(unsafeRaw: Self.columns) FROM users"
        if let cursor { query += " WHERE (created_at, id) > (\(bind: cursor.createdAt), \(bind: cursor.id))" }
        query += " ORDER BY created_at, id LIMIT \(literal: limit + 1)"
        let finished = query
        let rows = try await database.read { sql in try await sql.raw(finished).all().map(Self.decode) }
        guard rows.count > limit else { return (rows, nil) }
        let items = Array(rows.prefix(limit))
        return (items, items.last.map { PageCursor(createdAt: Microseconds.from($0.createdAt), id: $0.id) })
    }

    private static func find(id: String, on sql: any SQLDatabase) async throws -> User? {
        try await sql.raw("SELECT \(unsafeRaw: columns) FROM users WHERE id = \(bind: id)").first().map(decode)
    }

    private static func activeAdminCount(on sql: any SQLDatabase) async throws -> Int {
        let row = try await sql.raw(
            "SELECT COUNT(*) AS admins FROM users WHERE is_admin = \(bind: true) AND is_active = \(bind: true)"
        ).first()
        return try row?.decode(column: "admins", as: Int.self) ?? 0
    }
}
