import Foundation
import Testing

@testable import TaskManager

/// Lists shared with roles over real HTTP against the built binary: the role matrix on a SQLite
/// file and on PostgreSQL, and removal seen by a second process at its next request.
@Suite(.serialized) struct SharingLiveTests {
    @Test func everyCallerAgainstEveryRouteOverTheWire() async throws {
        try await withSeededDatabase(admin: "root") { url in
            let server = try await LiveServer.start(databaseURL: Self.text(url))
            defer { server.stopInBackground() }
            let speak = Speaker.live(server)
            let world = try await SharingWorld.make(speak, adminToken: try await speak.token("root"))
            let wrong = try await SharingMatrix.run(world)
            #expect(wrong.isEmpty, "\(wrong.joined(separator: "\n"))")
        }
    }

    /// Two processes on one PostgreSQL: a member removed through one is refused by the other at its
    /// very next request (no role outlives the request that changed it), and a member added through
    /// one is let in by the other at once.
    @Test(.enabled(if: TestPostgres.target != nil, Comment(rawValue: TestPostgres.skipped)))
    func removalThroughOneProcessHoldsOnTheOther() async throws {
        try await TwoProcesses.withSharedList { w in
            let (one, two, alice, bob, list, invitation) = (w.one, w.two, w.alice, w.bob, w.list, w.invitation)
            let task = try #require(
                try await one("POST", "/tasks", alice.token, jsonBody(["title": "t", "list_id": list])).string("id"))
            #expect(try await two("GET", "/tasks/\(task)", bob.token).status == 404)
            #expect(try await one("POST", "/me/invitations/\(invitation)/accept", bob.token).status == 200)
            #expect(try await two("GET", "/tasks/\(task)", bob.token).status == 200)
            #expect(try await two("PATCH", "/tasks/\(task)", bob.token, #"{"done": true}"#).status == 200)
            // Demoted on one process: the other refuses the write at once.
            #expect(try await one("PATCH", "/lists/\(list)/members/\(bob.id)", alice.token, #"{"role": "viewer"}"#).status == 200)
            #expect(try await two("PATCH", "/tasks/\(task)", bob.token, #"{"done": false}"#).status == 403)
            // Removed on one process: the other no longer knows the list or its task.
            #expect(try await one("DELETE", "/lists/\(list)/members/\(bob.id)", alice.token).status == 204)
            #expect(try await two("GET", "/tasks/\(task)", bob.token).status == 404)
            #expect(try await two("GET", "/lists/\(list)", bob.token).status == 404)
            #expect(!(try await two("GET", "/tasks", bob.token).items.contains { $0["id"] as? String == task }))
        }
    }

    /// The text a server process takes as `--database-url`.
    static func text(_ url: DatabaseURL) -> String {
        if case .sqliteFile(let path) = url { return "sqlite://" + path }
        return TestPostgres.urlText(url)
    }
}
