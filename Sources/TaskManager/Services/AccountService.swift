import Foundation

/// Registering accounts and changing profiles: shared by `POST /users`, `PATCH /me` and
/// `taskmanager user create`, so that every way in applies the same rules.
struct AccountService: Sendable {
    let users: UserRepository
    let hasher: PasswordHasher
    var clock = AppClock.system
    /// Whether anyone may register (`--open-registration`); else only an admin.
    var openRegistration = true

    struct Registration: Sendable {
        var username: String
        var password: String
        var email: String?
        var fullName: String?
        var isAdmin = false
    }

    /// Throws `InvalidFields` or `APIError.conflict` for a taken name.
    /// `POST /users` with registration closed needs an admin's token: `caller` gives the request's
    /// principal, or throws why there is none.
    func requireRegistrationAllowed(caller: () throws -> Principal) throws {
        guard !openRegistration else { return }
        guard try caller().scopes.contains(.admin) else { throw APIError.insufficientScope(.admin) }
    }

    func register(_ registration: Registration, now: Date? = nil) async throws -> User {
        let now = now ?? clock.now()
        var invalid = InvalidFields(problems: [])
        invalid.check(field: "username", registration.username)
        invalid.check("password", PasswordHasher.lengthProblem(registration.password))
        invalid.check(field: "email", registration.email)
        invalid.check(field: "full_name", registration.fullName)
        try invalid.throwIfAny()

        // Cheap refusal before the costly hash; the unique index still decides a race.
        if try await users.find(username: registration.username) != nil { throw APIError.conflict(Self.taken) }
        let user = User(
            id: UUID().uuidString.lowercased(), username: registration.username, email: registration.email,
            fullName: registration.fullName, passwordHash: try await hasher.hash(registration.password),
            isActive: true, isAdmin: registration.isAdmin, createdAt: now)
        do {
            try await users.create(user)
        } catch AppDatabase.Failure.uniqueViolation {
            throw APIError.conflict(Self.taken)
        }
        return user
    }

    func updateProfile(userID: String, _ change: UserProfileChange) async throws -> User {
        var invalid = InvalidFields(problems: [])
        if case .some(.some(let email)) = change.email { invalid.check(field: "email", email) }
        if case .some(.some(let name)) = change.fullName { invalid.check(field: "full_name", name) }
        try invalid.throwIfAny()
        guard let user = try await users.update(id: userID, change, now: clock.now()) else { throw APIError.invalidToken }
        return user
    }

    static let taken = "Username already registered"
}

extension AccountService {
    /// `POST /me/password`: needs the current password; ends every other session of the user.
    func changePassword(for principal: Principal, current: String, new: String) async throws {
        let now = clock.now()
        guard try await hasher.verify(current, against: principal.user.passwordHash) else {
            throw APIError.badRequest("Incorrect password")
        }
        if let problem = PasswordHasher.lengthProblem(new) { throw InvalidFields.single("new_password", problem) }
        try await users.setPassword(
            id: principal.user.id, hash: try await hasher.hash(new), keepingSession: principal.sessionID, now: now)
    }

    /// `taskmanager user set-password`: ends every session of the user.
    func setPassword(username: String, new: String, now: Date) async throws -> User {
        guard let user = try await users.find(username: username) else { throw APIError.notFound("User not found") }
        if let problem = PasswordHasher.lengthProblem(new) { throw InvalidFields.single("password", problem) }
        try await users.setPassword(id: user.id, hash: try await hasher.hash(new), keepingSession: nil, now: now)
        return user
    }

    /// Deletes an account with its sessions and tasks; never the last active admin.
    func delete(userID: String) async throws {
        switch try await users.delete(id: userID, at: clock.now()) {
        case .deleted, .changed: return
        case .notFound: throw APIError.notFound(Self.userNotFound)
        case .lastActiveAdmin: throw APIError.conflict(Self.lastAdmin)
        }
    }

    /// Enables, disables, promotes or demotes; disabling ends the user's sessions.
    func setFlags(userID: String, isActive: Bool?, isAdmin: Bool?) async throws -> User {
        switch try await users.setFlags(id: userID, isActive: isActive, isAdmin: isAdmin, now: clock.now()) {
        case .changed(let user): return user
        case .deleted, .notFound: throw APIError.notFound(Self.userNotFound)
        case .lastActiveAdmin: throw APIError.conflict(Self.lastAdmin)
        }
    }

    /// Every account, oldest first (the admin API).
    func page(after cursor: PageCursor?, limit: Int) async throws -> (items: [User], next: PageCursor?) {
        try await users.list(after: cursor, limit: limit)
    }

    /// The id of the account `id` names, or "User not found".
    func existingUserID(_ id: String) async throws -> String {
        guard let id = canonicalID(id), try await users.find(id: id) != nil else { throw APIError.notFound(Self.userNotFound) }
        return id
    }

    static let userNotFound = "User not found"
    static let lastAdmin = "Cannot remove the last active admin"
}
