import ArgumentParser
import Foundation
import TaskManagerClient

struct Share: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Invite someone to a list you own, as viewer or editor.")
    @OptionGroup var options: ServerOptions
    @Argument(help: "The list's id.") var list: String
    @Argument(help: "Their username.") var username: String
    @Option(help: "viewer (reads) or editor (also changes tasks).") var role: Components.Schemas.MemberRole = .viewer

    func run() async throws {
        let server = try options.connect()
        let invitation = try await call {
            try await server.client.createInvitation(path: .init(id: list), body: .json(.init(username: username, role: role)))
                .created.body.json
        }
        if options.json { return try Output.json(invitation) }
        print("Invited \(invitation.username) to \(invitation.list.name) as \(invitation.role.rawValue): they can accept with `tm invitations accept \(invitation.id)`")
    }
}

struct Members: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The members of a list, the owner first.")
    @OptionGroup var options: ServerOptions
    @Argument(help: "The list's id.") var list: String

    func run() async throws {
        let server = try options.connect()
        let members = try await call { try await server.client.listMembers(path: .init(id: list)).ok.body.json }
        if options.json { return try Output.json(members) }
        Output.table(["USER ID", "ROLE", "SINCE", "USERNAME"], widths: [36, 6, 16], members.items.map { member in
            [member.userId, member.role.rawValue, Output.date(member.addedAt), member.username]
        })
    }
}

struct Invitations: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Invitations to you.", subcommands: [List.self, Accept.self, Decline.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Your pending invitations, newest first.")
        @OptionGroup var options: ServerOptions

        func run() async throws {
            let server = try options.connect()
            let invitations = try await call { try await server.client.listMyInvitations().ok.body.json }
            if options.json { return try Output.json(invitations) }
            Output.table(["ID", "ROLE", "FROM", "LIST"], widths: [36, 6, 16], invitations.items.map { invitation in
                [invitation.id, invitation.role.rawValue, invitation.invitedBy.username, invitation.list.name]
            })
        }
    }

    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Accept an invitation: you become a member of its list.")
        @OptionGroup var options: ServerOptions
        @Argument(help: "The invitation's id.") var id: String

        func run() async throws {
            let server = try options.connect()
            let list = try await call { try await server.client.acceptInvitation(path: .init(id: id)).ok.body.json }
            if options.json { return try Output.json(list) }
            print("You are now \(list.role == .editor ? "an editor" : "a viewer") of \(list.name): \(list.id)")
        }
    }

    struct Decline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Decline an invitation.")
        @OptionGroup var options: ServerOptions
        @Argument(help: "The invitation's id.") var id: String

        func run() async throws {
            let server = try options.connect()
            _ = try await call { try await server.client.declineInvitation(path: .init(id: id)).noContent }
            if !options.json { print("Declined \(id)") }
        }
    }
}

struct Sessions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Where you are signed in.", subcommands: [List.self, End.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Your login sessions; * is this one.")
        @OptionGroup var options: ServerOptions

        func run() async throws {
            let server = try options.connect()
            let sessions = try await call { try await server.client.listSessions().ok.body.json }
            if options.json { return try Output.json(sessions) }
            Output.table(["ID", "", "LAST USED", "CLIENT"], widths: [36, 1, 16], sessions.items.map { session in
                var client = session.kind == .browser ? "browser sign-in" : "password"
                if case .case1(let id) = session.clientId { client = id }
                if case .case1(let name) = session.clientName { client = name }
                if case .case1("mcp") = session.resource { client += " (assistant)" }
                return [session.id, session.current ? "*" : " ", Output.date(session.lastUsedAt), client]
            })
        }
    }

    struct End: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End one of your sessions.")
        @OptionGroup var options: ServerOptions
        @Argument(help: "The session's id.") var id: String

        func run() async throws {
            let server = try options.connect()
            _ = try await call { try await server.client.deleteSession(path: .init(id: id)).noContent }
            if !options.json { print("Ended \(id)") }
        }
    }
}
