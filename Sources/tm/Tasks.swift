import ArgumentParser
import Foundation
import TaskManagerClient

extension Components.Schemas.Priority: ExpressibleByArgument {}
extension Components.Schemas.MemberRole: ExpressibleByArgument {}

/// `tm tasks list --done` or `--not-done`: flags, as people type them, not `--done true`.
enum DoneState: EnumerableFlag {
    case done, notDone
}

struct Tasks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Your tasks, in every list you are in or in one.",
        subcommands: [List.self, Add.self, Show.self, Edit.self, Done.self, Remove.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tasks, newest first.")
        @OptionGroup var options: ServerOptions
        @Option(help: "Only this list's tasks.") var list: String?
        @Flag(help: "Only tasks that are done (--done) or not done (--not-done).") var state: DoneState?
        @Option(help: "Only tasks whose title contains this text.") var text: String?
        @Option(help: "Only tasks of this priority (low, normal, high).") var priority: Components.Schemas.Priority?
        @Option(help: "Tasks per page (1-100).") var limit = 20
        @Flag(help: "Every page, not only the first.") var all = false

        func run() async throws {
            let server = try options.connect()
            var items: [Components.Schemas.Task] = []
            var cursor: String?
            var page: Components.Schemas.TaskPage
            repeat {
                page = try await call {
                    try await server.client.listTasks(
                        query: .init(listId: list, done: state.map { $0 == .done }, q: text, priority: priority, limit: limit, cursor: cursor)
                    ).ok.body.json
                }
                items += page.items
                cursor = nil
                if all, case .case1(let next) = page.nextCursor, !page.items.isEmpty { cursor = next }
            } while cursor != nil
            if options.json { return try Output.json(Components.Schemas.TaskPage(items: items, nextCursor: page.nextCursor)) }
            Output.table(["ID", "✓", "PRIORITY", "DUE"] + ["TITLE"], widths: [36, 1, 8, 10], items.map(Self.row))
            if case .case1 = page.nextCursor, !all { print("(more: --all)") }
        }

        static func row(_ task: Components.Schemas.Task) -> [String] {
            [task.id, task.done ? "✓" : " ", task.priority.rawValue, task.dueDate.value ?? "", task.title]
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a task (to your default list, or to --list).")
        @OptionGroup var options: ServerOptions
        @Argument(help: "The title.") var title: String
        @Option(help: "The list to add it to.") var list: String?
        @Option(help: "low, normal or high.") var priority: Components.Schemas.Priority?
        @Option(help: "Due date, YYYY-MM-DD.") var due: String?
        @Option(help: "A longer description.") var description: String?

        func run() async throws {
            let server = try options.connect()
            let task = try await call {
                try await server.client.createTask(
                    body: .json(.init(listId: list, title: title, description: description, priority: priority, dueDate: due))
                ).created.body.json
            }
            try show(task, options)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one task.")
        @OptionGroup var options: ServerOptions
        @Argument(help: "The task's id.") var id: String

        func run() async throws {
            let server = try options.connect()
            try show(try await call { try await server.client.getTask(path: .init(id: id)).ok.body.json }, options)
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a task; --list moves it.")
        @OptionGroup var options: ServerOptions
        @Argument(help: "The task's id.") var id: String
        @Option(help: "A new title.") var title: String?
        @Option(help: "low, normal or high.") var priority: Components.Schemas.Priority?
        @Option(help: "Due date, YYYY-MM-DD.") var due: String?
        @Option(help: "A new description.") var description: String?
        @Option(help: "Move it to this list.") var list: String?

        func run() async throws {
            let server = try options.connect()
            let task = try await call {
                try await server.client.updateTask(
                    path: .init(id: id),
                    body: .json(.init(listId: list, title: title, description: description, priority: priority, dueDate: due))
                ).ok.body.json
            }
            try show(task, options)
        }
    }

    struct Done: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark a task done (or, with --undo, not done).")
        @OptionGroup var options: ServerOptions
        @Argument(help: "The task's id.") var id: String
        @Flag(help: "Mark it not done.") var undo = false

        func run() async throws {
            let server = try options.connect()
            let task = try await call {
                try await server.client.updateTask(path: .init(id: id), body: .json(.init(done: !undo))).ok.body.json
            }
            try show(task, options)
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Delete a task.")
        @OptionGroup var options: ServerOptions
        @Argument(help: "The task's id.") var id: String

        func run() async throws {
            let server = try options.connect()
            _ = try await call { try await server.client.deleteTask(path: .init(id: id)).noContent }
            if !options.json { print("Deleted \(id)") }
        }
    }
}

/// One task: as JSON, or as lines of `name: value`.
private func show(_ task: Components.Schemas.Task, _ options: ServerOptions) throws {
    if options.json { return try Output.json(task) }
    print("""
        \(task.title)
        id:          \(task.id)
        list:        \(task.listId)
        done:        \(task.done ? "yes" : "no")
        priority:    \(task.priority.rawValue)
        due:         \(task.dueDate.value ?? "-")
        created:     \(Output.date(task.createdAt))
        """)
    if !task.description.isEmpty { print("description: \(task.description)") }
}
