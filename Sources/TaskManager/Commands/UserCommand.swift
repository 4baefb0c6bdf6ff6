import ArgumentParser
import Foundation

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage accounts.",
        subcommands: [CreateUserCommand.self, ListUsersCommand.self, DisableUserCommand.self, SetPasswordCommand.self,
            ResetMFACommand.self,
        ])
}

struct CreateUserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create an account (the first admin comes from here).")

    @Argument(help: "The username: 3 to 64 ASCII letters, digits, '.', '_' or '-'.")
    var name: String

    @Flag(help: "Make the account an administrator.")
    var admin = false

    @Option(help: "The account's email address.")
    var email: String?

    @OptionGroup var password: NewPasswordOptions
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let (password, cost) = try self.password.read()
        let registration = AccountService.Registration(username: name, password: password, email: email, isAdmin: admin)
        try await withDatabase(database) { db in
            let hasher = try await PasswordHasher.start(cost: cost, threads: 1)
            let accounts = AccountService(users: UserRepository(database: db), hasher: hasher)
            defer { hasher.shutdownNow() }
            do {
                let user = try await accounts.register(registration)
                print("Created \(user.isAdmin ? "admin " : "")user \(user.username) (\(user.id)).")
            } catch let invalid as InvalidFields {
                throw fail(invalid.problems.map { "\($0.field): \($0.message)" }.joined(separator: "; "), code: 1)
            } catch APIError.conflict(let detail) {
                throw fail(detail, code: 1)
            }
        }
    }
}

/// How the commands that set a password read it, and the bcrypt cost they hash it at.
struct NewPasswordOptions: SettingFlags {
    @Flag(help: "Read the password as one line from standard input instead of prompting.")
    var passwordStdin = false

    @OptionGroup var bcrypt: BcryptCostOption

    /// The password, and the cost checked as `serve` checks it.
    func read() throws -> (password: String, cost: Int) {
        let cost: Int
        do {
            cost = try bcrypt.settings(environment: ProcessInfo.processInfo.environment).bcryptCost
        } catch {
            throw fail(error.description)
        }
        return (try PasswordInput.read(fromStdin: passwordStdin, confirm: true), cost)
    }
}

struct ListUsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List every account, oldest first.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await withDatabase(database) { db in
            let users = UserRepository(database: db)
            var cursor: PageCursor?
            print(
                "USERNAME".padding(toLength: 24, withPad: " ", startingAt: 0), "ACTIVE", "ADMIN", "MFA", "CREATED", "ID",
                separator: "\t")
            repeat {
                let page = try await users.list(after: cursor, limit: 100)
                for user in page.items {
                    print(
                        user.username.padding(toLength: 24, withPad: " ", startingAt: 0), user.isActive ? "yes" : "no",
                        user.isAdmin ? "yes" : "no", user.mfaEnabled ? "yes" : "no", user.createdAt.formatted(.iso8601), user.id,
                        separator: "\t")
                }
                cursor = page.next
            } while cursor != nil
        }
    }
}

struct DisableUserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable", abstract: "Disable an account: its sessions end and it can no longer log in.")

    @Argument(help: "The username.")
    var name: String

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await withDatabase(database) { db in
            let users = UserRepository(database: db)
            guard let user = try await users.find(username: name) else { throw fail("no user named \(name)", code: 1) }
            switch try await users.setFlags(id: user.id, isActive: false, isAdmin: nil, now: Microseconds.now()) {
            case .changed: print("Disabled \(user.username); its sessions are ended.")
            case .lastActiveAdmin: throw fail(AccountService.lastAdmin, code: 1)
            case .notFound, .deleted: throw fail("no user named \(name)", code: 1)
            }
        }
    }
}

struct SetPasswordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-password", abstract: "Set an account's password; every session of it ends.")

    @Argument(help: "The username.")
    var name: String

    @OptionGroup var newPassword: NewPasswordOptions
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let (password, cost) = try newPassword.read()
        try await withDatabase(database) { db in
            let hasher = try await PasswordHasher.start(cost: cost, threads: 1)
            defer { hasher.shutdownNow() }
            do {
                let user = try await AccountService(users: UserRepository(database: db), hasher: hasher)
                    .setPassword(username: name, new: password, now: Microseconds.now())
                print("Changed the password of \(user.username); its sessions are ended.")
            } catch let invalid as InvalidFields {
                throw fail(invalid.problems.map(\.message).joined(separator: "; "), code: 1)
            } catch APIError.notFound {
                throw fail("no user named \(name)", code: 1)
            }
        }
    }
}

struct ResetMFACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset-mfa",
        abstract: "Turn off an account's second factor (a lost authenticator app and recovery codes): the next login needs the password only.")

    @Argument(help: "The username.")
    var name: String

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await withDatabase(database) { db in
            guard let user = try await UserRepository(database: db).find(username: name) else {
                throw fail("no user named \(name)", code: 1)
            }
            let removed = try await SecondFactorRepository(database: db).remove(userID: user.id)
            print(removed ? "Turned off the second factor of \(user.username)." : "\(user.username) had no second factor; nothing changed.")
        }
    }
}
