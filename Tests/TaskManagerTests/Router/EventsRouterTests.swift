import Foundation
import Testing

@testable import TaskManager

/// `GET /events` as a page, through the router on both engines: who gets which event (the matrix
/// of `EventMatrix`), pages without gaps or repeats, and bad input refused in the contract's shape.
@Suite struct EventsRouterTests {
    @Test func everyEventReachesWhoMaySeeItAndNoOneElse() async throws {
        try await withAdminApp { api, root in
            let world = try await SharingWorld.make(.router(api), adminToken: root)
            let wrong = try await EventMatrix.run(world)
            #expect(wrong.isEmpty, "\(wrong.joined(separator: "\n"))")
        }
    }

    @Test func pagesFollowOneAnotherWithoutGapsOrRepeats() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let token = try await api.login("alice")
            for number in 1...7 { #expect(try await api.createTask(token, ["title": "Task \(number)"]).status == 201) }
            let all = try await api.send(.get, "/events", token: token)
            #expect(all.status == 200 && all.items.count == 7 && all["next_cursor"] is NSNull, "\(all.body)")
            let ids = all.items.compactMap { ($0["id"] as? String).flatMap { Int64($0) } }
            #expect(ids.count == 7 && ids == ids.sorted() && Set(ids).count == 7, "oldest first, ids growing: \(ids)")
            var paged: [String] = []
            var after = "0"
            while true {
                let page = try await api.send(.get, "/events?limit=3&after=\(after)", token: token)
                #expect(page.status == 200 && page.items.count <= 3)
                paged += page.items.compactMap { $0["id"] as? String }
                guard let next = page.string("next_cursor") else { break }
                after = next
            }
            #expect(paged == ids.map(String.init))
            // After the last: nothing, and no next page.
            let end = try await api.send(.get, "/events?after=\(ids.last!)", token: token)
            #expect(end.status == 200 && end.items.isEmpty && end["next_cursor"] is NSNull)
            // Without the scope: 403; bad input: 422 naming the parameter.
            let meOnly = try await api.login("alice", scope: "me")
            #expect(try await api.send(.get, "/events", token: meOnly).status == 403)
            for bad in ["?after=abc", "?after=-1", "?after=", "?after=99999999999999999999", "?after=\(ids.last! + 1000)", "?limit=0", "?limit=101"] {
                let reply = try await api.send(.get, "/events\(bad)", token: token)
                #expect(reply.status == 422, "\(bad): \(reply.status) \(reply.body)")
            }
            #expect(try await api.send(.get, "/events").status == 401)
        }
    }

    /// `task.created` is written by a trigger, the other task events by Swift: each carries the
    /// task exactly as the API shows it, in the caller's default list and in another.
    @Test func aTasksEventIsTheTaskAsTheAPIShowsIt() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let token = try await api.login("alice")
            let list = try #require(try await api.send(.post, "/lists", token: token, json: #"{"name": "Other"}"#).string("id"))
            let fields: [String: Any?] = [
                "title": "Quote \" and ✓ and \\", "description": "Line\nbreak", "priority": "high", "due_date": "2026-12-24",
            ]
            var made: [[String: Any]] = []
            for target in [nil, list] {
                var body = fields
                if let target { body["list_id"] = target }
                let reply = try await api.createTask(token, body)
                #expect(reply.status == 201, "\(reply.body)")
                made.append(reply.json)
            }
            let done = try #require(made[0]["id"] as? String)
            let patched = try await api.send(.patch, "/tasks/\(done)", token: token, json: #"{"done": true, "due_date": null}"#)
            made.append(patched.json)
            let events = try await api.send(.get, "/events", token: token).items
            #expect(events.map { $0["type"] as? String } == ["task.created", "task.created", "task.updated"])
            func canonical(_ object: Any?) throws -> String {
                String(decoding: try JSONSerialization.data(withJSONObject: object ?? [:], options: [.sortedKeys]), as: UTF8.self)
            }
            for (event, task) in zip(events, made) {
                #expect(try canonical(event["task"]) == (try canonical(task)), "\(event) against \(task)")
            }
        }
    }
}
