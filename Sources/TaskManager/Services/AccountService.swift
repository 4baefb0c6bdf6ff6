import Foundation

/// Registering accounts and changing profiles: shared by `POST /users`, `PATCH /me` and
/// `taskmanager user create`, so that every way in applies the same rules.
struct AccountService: Sendable {
    let users: UserRepository
    let hasher: PasswordHasher

    struct Registration: Sendable {
        var username: String
        var password: String
        var email: String?
        var fullName: String?
        var isAdmin = false
    }

    /// Throws `APIError.validation` (locations under `body`) or `.conflict` for a taken name.
    func register(_ registration: Registration, now: Date = Microseconds.now()) async throws -> User {
        var issues: [ValidationIssue] = []
        func check(_ field: String, _ problem: String?) {
            if let problem { issues.append(ValidationIssue(loc: ["body", .key(field)], msg: problem, type: "value_error")) }
        }
        check("username", FieldRules.username(registration.username))
        check("password", PasswordHasher.lengthProblem(registration.password))
        check("email", registration.email.flatMap(FieldRules.email))
        check("full_name", registration.fullName.flatMap(FieldRules.fullName))
        guard issues.isEmpty else { throw APIError.validation(issues) }

        // Cheap refusal before the costly hash; the unique index still decides a race.
        if try await users.find(username: registration.username) != nil { throw APIError.conflict(Self.taken) }
        let user = User(
            id: UUID().uuidString.lowercased(), username: registration.username, email: registration.email,
            fullName: registration.fullName, passwordHash: try await hasher.hash(registration.password),
            isActive: true, isAdmin: registration.isAdmin, createdAt: now)
        do {
            try await users.create(user)
        } catch Database.Failure.uniqueViolation {
            throw APIError.conflict(Self.taken)
        }
        return user
    }

    func updateProfile(userID: String, _ change: UserProfileChange) async throws -> User {
        var issues: [ValidationIssue] = []
        if case .some(.some(let email)) = change.email, let problem = FieldRules.email(email) {
            issues.append(ValidationIssue(loc: ["body", "email"], msg: problem, type: "value_error"))
        }
        if case .some(.some(let name)) = change.fullName, let problem = FieldRules.fullName(name) {
            issues.append(ValidationIssue(loc: ["body", "full_name"], msg: problem, type: "value_error"))
        }
        guard issues.isEmpty else { throw APIError.validation(issues) }
        guard let user = try await users.update(id: userID, change) else { throw APIError.invalidToken }
        return user
    }

    static let taken = "Username already registered"
}
