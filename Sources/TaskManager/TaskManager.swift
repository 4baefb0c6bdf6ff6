import ArgumentParser
import Foundation

@main
struct TaskManagerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "taskmanager",
        abstract: "Per-user task lists behind the OAuth2 password flow.",
        subcommands: [ServeCommand.self, MigrateCommand.self, UserCommand.self, ClientCommand.self, KeysCommand.self, OpenAPICommand.self],
        defaultSubcommand: ServeCommand.self)
}

/// Prints one line on standard error and exits non-zero: how every refused setting ends a command.
func fail(_ message: String, code: Int32 = 2) -> ExitCode {
    FileHandle.standardError.write(Data("taskmanager: \(message)\n".utf8))
    return ExitCode(code)
}
