import ArgumentParser
import Foundation

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage accounts.", subcommands: [CreateUserCommand.self])
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

    @Flag(help: "Read the password as one line from standard input instead of prompting.")
    var passwordStdin = false

    @Option(help: "bcrypt cost, 4 to 31 (TASKMANAGER_BCRYPT_COST). Default: 12.")
    var bcryptCost: String?

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let cost: Int
        do {
            cost = try ServerOptions.parse(bcryptCost.map { ["--bcrypt-cost", $0] } ?? [])
                .configuration(environment: ProcessInfo.processInfo.environment).bcryptCost
        } catch let error as Configuration.Invalid {
            throw fail(error.description)
        }
        let password = try PasswordInput.read(fromStdin: passwordStdin, confirm: true)
        let registration = AccountService.Registration(username: name, password: password, email: email, isAdmin: admin)
        try await withDatabase(database) { db in
            let hasher = try await PasswordHasher.start(cost: cost, threads: 1)
            let accounts = AccountService(users: UserRepository(database: db), hasher: hasher)
            defer { hasher.shutdownNow() }
            do {
                let user = try await accounts.register(registration)
                print("Created \(user.isAdmin ? "admin " : "")user \(user.username) (\(user.id)).")
            } catch APIError.validation(let issues) {
                throw fail(issues.map { "\($0.loc.last.map(String.init(describing:)) ?? ""): \($0.msg)" }.joined(separator: "; "), code: 1)
            } catch APIError.conflict(let detail) {
                throw fail(detail, code: 1)
            }
        }
    }
}
