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
