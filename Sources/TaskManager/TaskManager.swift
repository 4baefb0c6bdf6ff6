import ArgumentParser
import Foundation

@main
struct TaskManagerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "taskmanager",
        abstract: "Task lists shared with roles, behind an OAuth2 authorization server of its own.",
        discussion: serveOptions,
        subcommands: [ServeCommand.self, MigrateCommand.self, UserCommand.self, ClientCommand.self, KeysCommand.self, OpenAPICommand.self],
        defaultSubcommand: ServeCommand.self)
}

/// `taskmanager --help` names `serve`'s settings too, since `taskmanager --port 8080` is how most
/// start it; from the one list of settings, which `serve --help` explains.
private let serveOptions =
    "With no subcommand it serves: `taskmanager [serve] [--port 8000] …`, with the settings "
    + Setting.all.map(\.flag).joined(separator: ", ")
    + " (each also an environment variable; `taskmanager serve --help` explains them)."

/// Prints one line on standard error and exits non-zero: how every refused setting ends a command.
func fail(_ message: String, code: Int32 = 2) -> ExitCode {
    FileHandle.standardError.write(Data("taskmanager: \(message)\n".utf8))
    return ExitCode(code)
}
