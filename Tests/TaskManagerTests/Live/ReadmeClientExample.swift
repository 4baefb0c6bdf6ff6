import Foundation
import TaskManagerClient
import Testing

// README: From a Swift app
/// Signs in, makes a list, adds a task, invites bob as an editor, and reads the list back.
func shareGroceries(serverURL: URL, password: String) async throws -> [String] {
    let server = TaskManagerConnection(serverURL: serverURL, store: InMemoryRefreshTokenStore())
    try await server.signIn(username: "alice", password: password)
    let list = try await server.client.createList(body: .json(.init(name: "Groceries"))).created.body.json
    _ = try await server.client.createTask(body: .json(.init(listId: list.id, title: "Milk"))).created
    _ = try await server.client.createInvitation(
        path: .init(id: list.id), body: .json(.init(username: "bob", role: .editor))
    ).created
    let page = try await server.client.listTasks(query: .init(listId: list.id)).ok.body.json
    return page.items.map(\.title)
}
// end of the README's example

/// The README's example runs as written against the binary, and the README shows it as written here.
@Suite struct ReadmeClientExampleTests {
    @Test func theExampleRuns() async throws {
        let server = try await LiveServer.start()
        defer { server.stopInBackground() }
        for name in ["alice", "bob"] {
            _ = try await server.send(.POST, "/users", json: jsonBody(["username": name, "password": "correct horse battery"]))
        }
        let titles = try await shareGroceries(serverURL: URL(string: "http://127.0.0.1:\(server.port)")!, password: "correct horse battery")
        #expect(titles == ["Milk"])
    }

    @Test func theReadmeShowsIt() throws {
        let source = try String(contentsOf: packagePath("Tests/TaskManagerTests/Live/ReadmeClientExample.swift"), encoding: .utf8)
        let readme = try String(contentsOf: packagePath("README.md"), encoding: .utf8)
        let example = try #require(source.components(separatedBy: "// README: From a Swift app\n").last?
            .components(separatedBy: "// end of the README's example").first)
        #expect(readme.contains("```swift\nimport TaskManagerClient\n\n" + example + "```"))
    }
}
