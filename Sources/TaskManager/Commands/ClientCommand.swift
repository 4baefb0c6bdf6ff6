import ArgumentParser
import Foundation

struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client", abstract: "Manage the OAuth clients that sign users in through /authorize.",
        subcommands: [CreateClientCommand.self, ListClientsCommand.self, DeleteClientCommand.self])
}

struct CreateClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Register a client; a confidential one's secret is printed once.")

    @Argument(help: "The name users see on the sign-in page.")
    var name: String

    @Option(name: .customLong("redirect-uri"), help: "A redirect URI (repeat for more): https://…, or http:// on 127.0.0.1, [::1] or localhost.")
    var redirectURIs: [String] = []

    @Option(
        name: .customLong("post-logout-redirect-uri"),
        help: "Where /logout may send the browser back to afterwards (repeat for more), by the redirect URIs' rules.")
    var postLogoutRedirectURIs: [String] = []

    @Flag(help: "A server that keeps a secret (default: a public client, PKCE alone).")
    var confidential = false

    @Option(help: "Space-separated scopes it may ask for. Default: me tasks:read tasks:write.")
    var scopes: String?

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        var scopeList: [Scope]?
        if let scopes {
            // A client is limited to the API's scopes; any client may ask for openid, profile and email.
            guard let parsed = Scope.parseList(scopes), !parsed.isEmpty, !parsed.contains(where: \.isIdentity) else {
                throw fail("--scopes: '\(scopes)' is not a list of \(Scope.api.map(\.rawValue).joined(separator: ", "))")
            }
            scopeList = parsed
        }
        let registration = ClientService.Registration(
            name: name, redirectURIs: redirectURIs, confidential: confidential, scopes: scopeList,
            postLogoutRedirectURIs: postLogoutRedirectURIs)
        try await withDatabase(database) { db in
            do {
                let (client, secret) = try await ClientService(clients: ClientRepository(database: db)).register(registration)
                print("Created \(client.confidential ? "confidential" : "public") client \(client.name).")
                print("client_id: \(client.id)")
                if let secret { print("client_secret: \(secret)  (shown only now)") }
            } catch let invalid as InvalidFields {
                throw fail(invalid.problems.map { "\($0.field): \($0.message)" }.joined(separator: "; "), code: 1)
            }
        }
    }
}

struct ListClientsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the clients: the three built in, then the registered ones, oldest first.",
        discussion: "A built-in client's redirect URI is under the server's --public-url.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await withDatabase(database) { db in
            print("CLIENT_ID".padding(toLength: 36, withPad: " ", startingAt: 0), "TYPE", "NAME", "SCOPES", "REDIRECT_URIS", separator: "\t")
            for client in OAuthClient.builtIns(publicURL: "") {
                let redirects = client.redirectURIs.isEmpty ? "(device grant only)" : client.redirectURIs.joined(separator: " ")
                print(client.id.padding(toLength: 36, withPad: " ", startingAt: 0), "built-in", client.name, Scope.joined(client.scopes), redirects, separator: "\t")
            }
            for client in try await ClientService(clients: ClientRepository(database: db)).list() {
                print(
                    client.id, client.confidential ? "confidential" : "public", client.name, Scope.joined(client.scopes),
                    client.redirectURIs.joined(separator: " "), separator: "\t")
            }
        }
    }
}

struct DeleteClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete a client; every login session made through it ends.")

    @Argument(help: "The client_id.")
    var clientID: String

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await withDatabase(database) { db in
            do {
                try await ClientService(clients: ClientRepository(database: db)).delete(id: clientID)
                print("Deleted client \(clientID); its sessions are ended.")
            } catch APIError.notFound(let detail), APIError.conflict(let detail) {
                throw fail(detail, code: 1)
            }
        }
    }
}
