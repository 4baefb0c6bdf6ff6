import AsyncHTTPClient
import Foundation
import OpenAPIRuntime
import TaskManagerClient
import Testing

/// `TaskManagerClient`, the client generated from the same document, against the running binary on
/// a SQLite file and on PostgreSQL: typed answers for every outcome, the token kept fresh under
/// concurrency with one refresh, and a revoked session seen as a typed error.
@Suite(.serialized) struct TypedClientLiveTests {
    static let password = "correct horse battery"

    /// The binary on each shared engine, with `arguments`; `body` gets its base URL.
    static func withServer(_ arguments: [String] = [], _ body: (URL) async throws -> Void) async throws {
        for engine in TestEngine.shared {
            try await engine.withEmptyDatabase { url in
                let server = try await LiveServer.start(arguments, databaseURL: SharingLiveTests.text(url))
                defer { server.stopInBackground() }
                try await body(URL(string: "http://127.0.0.1:\(server.port)")!)
            }
        }
    }

    static func account(_ name: String, at url: URL) async throws -> (TaskManagerConnection, InMemoryRefreshTokenStore) {
        let store = InMemoryRefreshTokenStore()
        let connection = TaskManagerConnection(serverURL: url, store: store)
        _ = try await connection.client.createUser(body: .json(.init(username: name, password: Self.password))).created
        try await connection.signIn(username: name, password: Self.password)
        return (connection, store)
    }

    @Test func signsInAndWorksTasksListsAndSharing() async throws {
        try await Self.withServer { url in
            let (alice, _) = try await Self.account("alice", at: url)
            let (bob, _) = try await Self.account("bob", at: url)
            #expect(try await alice.client.getMe().ok.body.json.username == "alice")
            // OpenID Connect: the ID token of a sign-in that asks for it, and who signed in.
            let carol = TaskManagerConnection(serverURL: url, store: InMemoryRefreshTokenStore())
            _ = try await carol.client.createUser(body: .json(.init(username: "carol", password: Self.password))).created
            #expect(try await carol.signIn(username: "carol", password: Self.password) == nil)
            let idToken = try #require(try await carol.signIn(username: "carol", password: Self.password, scope: "openid profile me"))
            let info = try await carol.client.getUserInfo().ok.body.json
            #expect(info.preferredUsername == "carol")
            #expect(TokenServiceTests.json(idToken.split(separator: ".")[1])?["sub"] as? String == info.sub)
            let list = try await alice.client.createList(body: .json(.init(name: "Shared"))).created.body.json
            #expect(list.role == .owner)
            let task = try await alice.client.createTask(body: .json(.init(listId: list.id, title: "Typed"))).created.body.json
            #expect(task.listId == list.id)
            let invitation = try await alice.client.createInvitation(
                path: .init(id: list.id), body: .json(.init(username: "bob", role: .viewer))
            ).created.body.json
            let waiting = try await bob.client.listMyInvitations().ok.body.json.items
            #expect(waiting.map(\.id) == [invitation.id])
            let joined = try await bob.client.acceptInvitation(path: .init(id: invitation.id)).ok.body.json
            #expect(joined.role == .viewer)
            #expect(joined.owner.username == "alice")
            let page = try await bob.client.listTasks(query: .init(listId: list.id)).ok.body.json
            #expect(page.items.map(\.title) == ["Typed"])
            // Refusals are typed answers, not exceptions.
            let refused = try await bob.client.createTask(body: .json(.init(listId: list.id, title: "No")))
            guard case .forbidden(let forbidden) = refused else { Issue.record("a viewer's task: \(refused)"); return }
            #expect(try forbidden.body.json.detail == "Not enough permissions on this list")
            let members = try await bob.client.listMembers(path: .init(id: list.id)).ok.body.json.items
            #expect(members.map(\.username) == ["alice", "bob"])
            let bobID = try #require(members.first { $0.username == "bob" }?.userId)
            _ = try await alice.client.removeMember(path: .init(id: list.id, userId: bobID)).noContent
            guard case .notFound = try await bob.client.getList(path: .init(id: list.id)) else {
                Issue.record("a removed member still sees the list")
                return
            }
        }
    }

    /// Twenty calls at once after the access token expired: one refresh, every call answered.
    @Test func twentyCallsAtExpiryMakeOneRefresh() async throws {
        // 10 s, not 5: the client renews 2 s before the end (not 1), so that a call delayed by a
        // loaded machine still reaches the server inside the token's life (CI met a second refresh).
        try await Self.withServer(["--access-token-ttl", "10"]) { url in
            let (alice, store) = try await Self.account("alice", at: url)
            for round in 1...2 {
                try await Task.sleep(for: .seconds(10))
                let names = try await withThrowingTaskGroup(of: String.self) { group in
                    for _ in 0..<20 { group.addTask { try await alice.client.getMe().ok.body.json.username } }
                    return try await group.reduce(into: [String]()) { $0.append($1) }
                }
                #expect(names == Array(repeating: "alice", count: 20))
                #expect(await alice.authentication.refreshCount == round)
                #expect(await store.saves == 1 + round)
            }
        }
    }

    /// A revoked session: the next call's refresh is refused, and the caller gets `signedOut`.
    @Test func revocationIsATypedError() async throws {
        try await Self.withServer { url in
            let (alice, store) = try await Self.account("alice", at: url)
            let refreshToken = try #require(await store.load())
            _ = try await alice.client.revokeToken(body: .urlEncodedForm(.init(token: refreshToken))).ok
            do {
                _ = try await alice.client.getMe()
                Issue.record("a revoked session still answered")
            } catch let error as ClientError {
                #expect(error.underlyingError as? TaskManagerClientError == .signedOut, "\(error)")
            }
            #expect(await store.load() == nil)
        }
    }
    /// Without open registration only an admin registers accounts: the client sends a signed-in
    /// admin's token to `createUser`, and a caller who is signed out still registers without one
    /// where registration is open.
    @Test func anAdminRegistersAccountsWhenRegistrationIsClosed() async throws {
        for engine in TestEngine.shared {
            try await engine.withEmptyDatabase { databaseURL in
                let text = SharingLiveTests.text(databaseURL)
                let server = try await LiveServer.start(["--open-registration", "false"], databaseURL: text)
                defer { server.stopInBackground() }
                let made = try await Binary.run(
                    ["user", "create", "root", "--admin", "--password-stdin", "--database-url", text], stdin: "\(Self.password)\n")
                try #require(made.status == 0, "\(made.stderr)")
                let url = URL(string: "http://127.0.0.1:\(server.port)")!
                let anonymous = TaskManagerConnection(serverURL: url, store: InMemoryRefreshTokenStore())
                guard case .unauthorized = try await anonymous.client.createUser(body: .json(.init(username: "eve", password: Self.password)))
                else { Issue.record("closed registration let a signed-out caller in"); return }
                let admin = TaskManagerConnection(serverURL: url, store: InMemoryRefreshTokenStore())
                try await admin.signIn(username: "root", password: Self.password)
                let created = try await admin.client.createUser(body: .json(.init(username: "carol", password: Self.password))).created
                #expect(try created.body.json.username == "carol")
            }
        }
        // Open registration: a signed-out client registers without a token.
        try await Self.withServer { url in
            let (carol, _) = try await Self.account("carol", at: url)
            #expect(try await carol.client.getMe().ok.body.json.username == "carol")
        }
    }
}
