import Foundation
import Testing

@testable import TaskManager

/// The event log's first part: every change to a task is an event written in the change's own
/// transaction, read back as a list's activity (`GET /lists/{id}/activity`), on both engines.
@Suite struct ActivityRouterTests {
    /// The events of a list as `token` reads them, newest first.
    static func activity(_ world: SharingWorld, _ list: String, _ caller: Caller, query: String = "") async throws -> Reply {
        try await world.speak("GET", "/lists/\(list)/activity\(query)", world.token(caller))
    }

    @Test func everyTaskChangeIsAnEventOfItsListWithWhoMadeIt() async throws {
        try await withAdminApp { api, root in
            let w = try await SharingWorld.make(.router(api), adminToken: root)
            let (alice, bob, carol) = (w.token(.owner), w.token(.editor), w.token(.viewer))
            let made = try await w.speak("POST", "/tasks", bob, jsonBody(["title": "Buy milk", "list_id": w.shared]))
            let milk = try #require(made.string("id"))
            #expect(try await w.speak("PATCH", "/tasks/\(milk)", bob, #"{"done": true}"#).status == 200)
            // Refused changes write nothing.
            #expect(try await w.speak("POST", "/tasks", carol, jsonBody(["title": "Not mine to add", "list_id": w.shared])).status == 403)
            #expect(try await w.speak("PATCH", "/tasks/\(milk)", carol, #"{"done": false}"#).status == 403)
            #expect(try await w.speak("PATCH", "/tasks/\(milk)", bob, "{}").status == 200)  // an empty change changes nothing
            #expect(try await w.speak("PATCH", "/tasks/\(w.task)", alice, jsonBody(["list_id": w.other])).status == 200)
            #expect(try await w.speak("DELETE", "/tasks/\(milk)", bob).status == 204)

            let shared = try await Self.activity(w, w.shared, .viewer)
            #expect(shared.status == 200, "\(shared.body)")
            // The world's members joined by accepting invitations: those events come first.
            let all = shared.items
            #expect(all.suffix(2).allSatisfy { $0["type"] as? String == "member.added" }, "\(all.map { $0["type"] })")
            let items = all.filter { ($0["type"] as? String)?.hasPrefix("task.") == true }
            #expect(items.map { $0["type"] as? String } == ["task.deleted", "task.moved", "task.updated", "task.created", "task.created"])
            let ids = items.compactMap { ($0["id"] as? String).flatMap { Int64($0) } }
            #expect(ids.count == 5 && ids == ids.sorted(by: >), "ids grow with every later event: \(ids)")
            #expect(items.map { ($0["actor"] as? [String: Any])?["id"] as? String } == [w.id(.editor), w.id(.owner), w.id(.editor), w.id(.editor), w.id(.owner)])
            #expect(items.allSatisfy { $0["list_id"] as? String == w.shared && $0["at"] is String })
            // A deletion and a move away name the task alone; an update carries the task as it became.
            #expect((items[0]["task"] as? [String: Any])?.keys.sorted() == ["id"] && (items[0]["task"] as? [String: Any])?["id"] as? String == milk)
            #expect((items[1]["task"] as? [String: Any])?.keys.sorted() == ["id"] && items[1]["from_list_id"] == nil)
            let updated = try #require(items[2]["task"] as? [String: Any])
            #expect(updated["title"] as? String == "Buy milk" && updated["done"] as? Bool == true && updated["list_id"] as? String == w.shared)
            #expect((items[4]["task"] as? [String: Any])?["title"] as? String == "Shared task")

            // The list it moved to has the whole task, and where it came from.
            let other = try await Self.activity(w, w.other, .otherListMember).items.filter { ($0["type"] as? String)?.hasPrefix("task.") == true }
            #expect(other.count == 1 && other[0]["type"] as? String == "task.moved" && other[0]["from_list_id"] as? String == w.shared)
            #expect((other[0]["task"] as? [String: Any])?["title"] as? String == "Shared task")
            #expect((other[0]["task"] as? [String: Any])?["list_id"] as? String == w.other)

            // Pages through the cursor; bad input is a 422; outsiders find no list.
            let first = try await Self.activity(w, w.shared, .editor, query: "?limit=2")
            #expect(first.items.count == 2)
            let cursor = try #require(first.string("next_cursor"))
            let rest = try await Self.activity(w, w.shared, .editor, query: "?limit=10&cursor=\(cursor)")
            #expect(rest.items.map { $0["id"] as? String } == all.dropFirst(2).map { $0["id"] as? String })
            #expect(rest["next_cursor"] is NSNull)
            for bad in ["?cursor=abc", "?cursor=-1", "?cursor=99999999999999999999", "?limit=0", "?limit=101"] {
                let reply = try await Self.activity(w, w.shared, .editor, query: bad)
                #expect(reply.status == 422, "\(bad): \(reply.status) \(reply.body)")
            }
            #expect(try await Self.activity(w, w.shared, .stranger).status == 404)
            #expect(try await Self.activity(w, w.shared, .admin).status == 404)
            #expect(try await w.speak("GET", "/lists/not-a-list/activity", alice).status == 404)
        }
    }

    @Test func aTaskInTheCallersOwnListIsAnEventToo() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let token = try await api.login("alice")
            let home = try #require(try await api.send(.get, "/lists", token: token).items.first { $0["is_default"] as? Bool == true }?["id"] as? String)
            #expect(try await api.createTask(token, ["title": "Mine"]).status == 201)
            let items = try await api.send(.get, "/lists/\(home)/activity", token: token).items
            #expect(items.count == 1 && items[0]["type"] as? String == "task.created")
            #expect((items[0]["actor"] as? [String: Any])?["username"] as? String == "alice")
        }
    }
}
