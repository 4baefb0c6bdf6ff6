import ArgumentParser
import Foundation

/// `tm`: TaskManager from a terminal. Signs in with the device flow (RFC 8628) as the built-in
/// `taskmanager-cli` client and speaks to the API only through `TaskManagerClient`.
@main
struct TM: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tm",
        abstract: "TaskManager from a terminal: tasks, lists, sharing, and changes as they happen (tm watch).",
        discussion: """
            Start with `tm login --server URL`. Every command takes --server (default: the server you \
            last signed in to) and --json (the API's objects, for scripts).
            Exit status: 0 done, 1 refused by the server (its detail on stderr), 2 wrong usage, \
            3 not signed in or the sign-in expired (or a credentials file others may read), \
            4 server unreachable.
            """,
        subcommands: [
            Login.self, Logout.self, Whoami.self, Tasks.self, Lists.self, Share.self, Members.self, Invitations.self, Sessions.self,
            Watch.self,
        ])

    /// ArgumentParser's parse, with the contract's statuses: a usage error is 2 (not 64), `--help` 0,
    /// and every other way out a `Failure` with its own status.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let failure as Failure {
            failure.exit()
        } catch {
            switch exitCode(for: error) {
            case .success:
                print(fullMessage(for: error))
                Foundation.exit(0)
            case .validationFailure:
                Failure.usage(fullMessage(for: error)).exit()
            default:
                // Not the server's answer and not the command line: a local failure (the files here).
                FileHandle.standardError.write(Data(("tm: \(error.localizedDescription)\n").utf8))
                Foundation.exit(1)
            }
        }
    }
}
