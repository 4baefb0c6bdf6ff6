import ArgumentParser
import Foundation
import TaskManagerClient

struct Lists: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Your lists, with your role in each.", subcommands: [List.self, Add.self, Rename.self, Remove.self],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List your lists: your default list first.")
        @OptionGroup var options: ServerOptions

        func run() async throws {
            let items = try await Lists.all(on: options.connect())
            if options.json { return try Output.json(Components.Schemas.ListPage(items: items, nextCursor: .case2(nil))) }
            Output.table(["ID", "ROLE", "MEMBERS", "NAME"], widths: [36, 6, 7], items.map { list in
                [list.id, list.role.rawValue, String(list.memberCount), list.name + (list.isDefault ? " (default)" : "")]
            })
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a list that you own.")
        @OptionGroup var options: ServerOptions
        @Argument(help: "Its name.") var name: String

        func run() async throws {
            let server = try options.connect()
            let list = try await call { try await server.client.createList(body: .json(.init(name: name))).created.body.json }
            if options.json { return try Output.json(list) }
            print("Made \(list.name): \(list.id)")
        }
    }

    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rename a list you own.")
        @OptionGroup var options: ServerOptions
        @Argument(help: "The list's id.") var id: String
        @Argument(help: "The new name.") var name: String

        func run() async throws {
            let server = try options.connect()
            let list = try await call { try await server.client.updateList(path: .init(id: id), body: .json(.init(name: name))).ok.body.json }
            if options.json { return try Output.json(list) }
            print("Renamed \(list.id) to \(list.name)")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Delete a list you own, with its tasks.")
        @OptionGroup var options: ServerOptions
        @Argument(help: "The list's id.") var id: String

        func run() async throws {
            let server = try options.connect()
            _ = try await call { try await server.client.deleteList(path: .init(id: id)).noContent }
            if !options.json { print("Deleted \(id)") }
        }
    }
}

extension Lists {
    /// Every list the caller is a member of, every page.
    static func all(on server: TaskManagerConnection) async throws -> [Components.Schemas.TaskList] {
        var items: [Components.Schemas.TaskList] = []
        var cursor: String?
        repeat {
            let page = try await call { try await server.client.listLists(query: .init(limit: 100, cursor: cursor)).ok.body.json }
            items += page.items
            cursor = nil
            if case .case1(let next) = page.nextCursor, !page.items.isEmpty { cursor = next }
        } while cursor != nil
        return items
    }

    /// The list a person named on the command line: by its id, else by its name (letter case aside)
    /// when exactly one of `lists` has it.
    static func resolve(_ text: String, among lists: [Components.Schemas.TaskList]) throws -> Components.Schemas.TaskList {
        if let list = lists.first(where: { $0.id.lowercased() == text.lowercased() }) { return list }
        let named = lists.filter { $0.name.caseInsensitiveCompare(text) == .orderedSame }
        switch named.count {
        case 1: return named[0]
        case 0: throw Failure.refused("List not found: \(text)")
        default:
            let ids = named.map(\.id).joined(separator: ", ")
            throw Failure.usage("\(named.count) of your lists are named \(text): give one's id (\(ids))")
        }
    }
}
