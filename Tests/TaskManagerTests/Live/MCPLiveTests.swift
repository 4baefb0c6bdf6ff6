import Foundation
import Testing

@testable import TaskManager

/// `/mcp` over real HTTP against the built binary: the role matrix through the tools on a SQLite
/// file and on PostgreSQL, and what must hold across two processes on one PostgreSQL (a token
/// made through one works on the other, a removal through one refuses the other's next tool call,
/// the registration limit counts both).
@Suite(.serialized) struct MCPLiveTests {
    @Test func everyCallerAgainstEveryToolOverTheWire() async throws {
        try await withSeededDatabase(admin: "root") { url in
            let server = try await LiveServer.start(databaseURL: SharingLiveTests.text(url))
            defer { server.stopInBackground() }
            let speak = Speaker.live(server)
            let world = try await SharingWorld.make(speak, adminToken: try await speak.token("root"))
            let wrong = try await MCPMatrix.run(world, tokens: try await MCPMatrix.tokens(world, adminName: "root"))
            #expect(wrong.isEmpty, "\(wrong.joined(separator: "\n"))")
        }
    }

    @Test(.enabled(if: TestPostgres.target != nil, Comment(rawValue: TestPostgres.skipped)))
    func whatHoldsAcrossTwoProcesses() async throws {
        try await TwoProcesses.withSharedList { w in
            let (one, two, alice, bob, list) = (w.one, w.two, w.alice, w.bob, w.list)
            #expect(try await one("POST", "/me/invitations/\(w.invitation)/accept", bob.token).status == 200)

            // Bob's assistant signs in through one process and works through the other.
            let agent = try await MCPCaller(speak: one).token("bob")
            let mcp = MCPCaller(speak: two)
            let made = try await mcp.call("create_task", ["title": "From the assistant", "list_id": list], token: agent)
            let task = try #require(made.result?.structured?["id"] as? String, "\(made.reply.body)")
            // The API of either process refuses the assistant's token, as /mcp refuses the API's.
            #expect(try await one("GET", "/me", agent).status == 401)
            #expect(try await mcp.call("get_task", ["task_id": task], token: bob.token).reply.status == 401)
            // Removed through one: the other's very next tool call is refused, in the API's words.
            #expect(try await one("DELETE", "/lists/\(list)/members/\(bob.id)", alice.token).status == 204)
            let refused = try await mcp.call("get_task", ["task_id": task], token: agent).result
            #expect(refused?.isError == true && refused?.text == "Task not found", "\(refused?.text ?? "")")
            // Ending the session through one process signs the assistant out on the other, within
            // the second a process may trust its session cache.
            let sessions = try await one("GET", "/me/sessions", bob.token).items
            let assistant = try #require(sessions.first { $0["resource"] as? String == "mcp" }?["id"] as? String, "\(sessions)")
            #expect(try await one("DELETE", "/me/sessions/\(assistant)", bob.token).status == 204)
            try await Task.sleep(for: .milliseconds(1_100))
            #expect(try await mcp.call("list_lists", [:], token: agent).reply.status == 401)

            // Ten registrations an hour from one address, however they are spread over the processes.
            let body = #"{"client_name": "Agent", "redirect_uris": ["http://127.0.0.1/callback"]}"#
            for index in 0..<10 {
                #expect(try await (index.isMultiple(of: 2) ? one : two)("POST", "/register", nil, body).status == 201)
            }
            #expect(try await one("POST", "/register", nil, body).status == 429)
            #expect(try await two("POST", "/register", nil, body).status == 429)
        }
    }
}
