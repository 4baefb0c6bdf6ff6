import Foundation
import Testing

@testable import TaskManager

@Suite struct TaskRouterTests {
    @Test func createsWithDefaultsAndALocation() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let token = try await api.login("alice")
            let reply = try await api.createTask(token, ["title": "Buy milk"])
            #expect(reply.status == 201)
            let id = try #require(reply.string("id"))
            #expect(reply.header("Location") == "/tasks/\(id)")
            #expect(reply.string("title") == "Buy milk")
            #expect(reply.string("description") == "")
            #expect(reply["done"] as? Bool == false)
            #expect(reply.string("priority") == "normal")
            #expect(reply.body.contains(#""due_date":null"#))
            #expect(reply.string("created_at") == reply.string("updated_at"))
            #expect(Set(reply.json.keys) == ["id", "list_id", "title", "description", "done", "priority", "due_date", "created_by", "created_at", "updated_at"])
            let full = try await api.createTask(
                token, ["title": "Ship", "description": "v1", "done": true, "priority": "high", "due_date": "2026-12-24"])
            #expect(full.status == 201)
            #expect(full.string("due_date") == "2026-12-24")
            #expect(full.string("priority") == "high")
            #expect(full["done"] as? Bool == true)
            let read = try await api.send(.get, "/tasks/\(id)", token: token)
            #expect(read.status == 200)
            #expect(read.json["title"] as? String == "Buy milk")
        }
    }

    @Test func refusesInvalidTasks() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let token = try await api.login("alice")
            let cases: [(String, String)] = [
                (#"{}"#, "body.title"),
                (#"{"title": ""}"#, "body.title"),
                (#"{"title": "   "}"#, "body.title"),
                (#"{"title": null}"#, "body.title"),
                (#"{"title": 42}"#, "body.title"),
                ("{\"title\": \"\(String(repeating: "t", count: 201))\"}", "body.title"),
                ("{\"title\": \"ok\", \"description\": \"\(String(repeating: "d", count: 10_001))\"}", "body.description"),
                (#"{"title": "ok", "description": null}"#, "body.description"),
                (#"{"title": "ok", "priority": "urgent"}"#, "body.priority"),
                (#"{"title": "ok", "done": "yes"}"#, "body.done"),
                (#"{"title": "ok", "due_date": "2026-02-30"}"#, "body.due_date"),
                (#"{"title": "ok", "due_date": "24.12.2026"}"#, "body.due_date"),
                (#"{"title": "ok", "due_date": "2026-12-24T00:00:00Z"}"#, "body.due_date"),
                (#"{"title": "ok", "id": "3f0b1c9e-4d5e-4f60-8a7b-9c0d1e2f3a4b"}"#, "body.id"),
                (#"{"title": "ok", "owner_id": "x"}"#, "body.owner_id"),
                (#"{"title": "ok", "created_at": "2026-01-01T00:00:00Z"}"#, "body.created_at"),
                (#"{"title": "ok""#, "body"),
                (#"["title"]"#, "body"),
                // PostgreSQL text cannot hold U+0000: refused on both engines alike.
                (#"{"title": "a\u0000b"}"#, "body.title"),
                (#"{"title": "ok", "description": "\u0000"}"#, "body.description"),
            ]
            for (body, location) in cases {
                let reply = try await api.send(.post, "/tasks", token: token, json: body)
                #expect(reply.status == 422, "\(body.prefix(60))")
                #expect(reply.validationLocations == [location], "\(body.prefix(60)): \(reply.body)")
            }
            #expect(try await api.createTask(token, ["title": String(repeating: "t", count: 200)]).status == 201)
            #expect(try await api.createTask(token, ["title": "ok", "due_date": "2028-02-29"]).status == 201)
            #expect(try await api.send(.get, "/tasks", token: token).items.count == 2)
        }
    }

    @Test func anotherUsersTaskDoesNotExist() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            try await api.register("bob")
            let alice = try await api.login("alice")
            let bob = try await api.login("bob")
            let id = try #require(try await api.createTask(alice, ["title": "Alice's secret"]).string("id"))
            for reply in [
                try await api.send(.get, "/tasks/\(id)", token: bob),
                try await api.send(.patch, "/tasks/\(id)", token: bob, json: #"{"title": "pwned"}"#),
                try await api.send(.delete, "/tasks/\(id)", token: bob),
            ] {
                #expect(reply.status == 404)
                #expect(reply.body == #"{"detail":"Task not found"}"#)
            }
            #expect(try await api.send(.get, "/tasks", token: bob).items.isEmpty)
            let still = try await api.send(.get, "/tasks/\(id)", token: alice)
            #expect(still.string("title") == "Alice's secret")
        }
    }

    @Test func deletedAndMalformedIdsAreNotFound() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let token = try await api.login("alice")
            let id = try #require(try await api.createTask(token, ["title": "gone soon"]).string("id"))
            #expect(try await api.send(.delete, "/tasks/\(id)", token: token).status == 204)
            #expect(try await api.send(.delete, "/tasks/\(id)", token: token).status == 404)
            #expect(try await api.send(.get, "/tasks/\(id)", token: token).status == 404)
            for bad in ["not-a-uuid", "1", "%27%20OR%201=1", String(repeating: "f", count: 300)] {
                let reply = try await api.send(.get, "/tasks/\(bad)", token: token)
                #expect(reply.status == 404, "\(bad)")
                #expect(reply.json["detail"] as? String == "Task not found")
            }
            // An id in capitals names the same task.
            let other = try #require(try await api.createTask(token, ["title": "caps"]).string("id"))
            #expect(try await api.send(.get, "/tasks/\(other.uppercased())", token: token).status == 200)
        }
    }

    @Test func patchChangesOnlyWhatItNames() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let token = try await api.login("alice")
            let created = try await api.createTask(
                token, ["title": "Plan", "description": "keep", "priority": "low", "due_date": "2026-12-24"])
            let id = try #require(created.string("id"))
            var reply = try await api.send(.patch, "/tasks/\(id)", token: token, json: #"{"done": true}"#)
            #expect(reply.status == 200)
            #expect(reply["done"] as? Bool == true)
            #expect(reply.string("title") == "Plan")
            #expect(reply.string("description") == "keep")
            #expect(reply.string("priority") == "low")
            #expect(reply.string("due_date") == "2026-12-24")
            #expect(reply.string("created_at") == created.string("created_at"))
            #expect(reply.string("updated_at") != created.string("updated_at"))
            reply = try await api.send(.patch, "/tasks/\(id)", token: token, json: #"{"due_date": null, "title": "Plan B"}"#)
            #expect(reply.body.contains(#""due_date":null"#))
            #expect(reply.string("title") == "Plan B")
            for (body, location) in [
                (#"{"title": null}"#, "body.title"), (#"{"done": null}"#, "body.done"), (#"{"title": ""}"#, "body.title"),
                (#"{"priority": "none"}"#, "body.priority"), (#"{"owner_id": "x"}"#, "body.owner_id"),
                (#"{"due_date": "tomorrow"}"#, "body.due_date"),
            ] {
                let bad = try await api.send(.patch, "/tasks/\(id)", token: token, json: body)
                #expect(bad.status == 422, "\(body)")
                #expect(bad.validationLocations == [location], "\(body): \(bad.body)")
            }
            #expect(try await api.send(.get, "/tasks/\(id)", token: token).string("title") == "Plan B")
        }
    }

    @Test func listsNewestFirstAndPagesByCursor() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            try await api.register("bob")
            let alice = try await api.login("alice")
            let bob = try await api.login("bob")
            var ids: [String] = []
            for index in 0..<7 { ids.append(try #require(try await api.createTask(alice, ["title": "task \(index)"]).string("id"))) }
            _ = try await api.createTask(bob, ["title": "bob's"])
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let query = "/tasks?limit=3" + (cursor.map { "&cursor=\($0)" } ?? "")
                let reply = try await api.send(.get, query, token: alice)
                #expect(reply.status == 200)
                seen += reply.items.compactMap { $0["id"] as? String }
                cursor = reply.json["next_cursor"] as? String
                pages += 1
            } while cursor != nil && pages < 10
            #expect(seen == ids.reversed())
            #expect(pages == 3)
            let all = try await api.send(.get, "/tasks", token: alice)
            #expect(all.items.count == 7)
            #expect(all.body.contains(#""next_cursor":null"#))
        }
    }

    @Test func filtersByDoneTextPriorityAndDueDate() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let token = try await api.login("alice")
            _ = try await api.createTask(token, ["title": "Buy MILK", "priority": "high", "due_date": "2026-12-01"])
            _ = try await api.createTask(token, ["title": "milkshake", "done": true, "due_date": "2026-12-31"])
            _ = try await api.createTask(token, ["title": "Call mum", "priority": "low"])
            func titles(_ query: String) async throws -> [String] {
                try await api.send(.get, "/tasks?\(query)", token: token).items.compactMap { $0["title"] as? String }
            }
            #expect(try await titles("q=milk") == ["milkshake", "Buy MILK"])
            #expect(try await titles("done=true") == ["milkshake"])
            #expect(try await titles("done=false") == ["Call mum", "Buy MILK"])
            #expect(try await titles("priority=low") == ["Call mum"])
            #expect(try await titles("due_before=2026-12-31") == ["Buy MILK"])
            #expect(try await titles("q=MILK&done=false&priority=high") == ["Buy MILK"])
            #expect(try await titles("q=%25") == [])
        }
    }

    @Test func refusesBadQueries() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let token = try await api.login("alice")
            for (query, location) in [
                ("limit=0", "query.limit"), ("limit=101", "query.limit"), ("limit=ten", "query.limit"),
                ("done=maybe", "query.done"), ("priority=urgent", "query.priority"), ("due_before=soon", "query.due_before"),
                ("cursor=garbage!", "query.cursor"), ("cursor=\(String(repeating: "A", count: 40))", "query.cursor"),
                ("q=\(String(repeating: "q", count: 201))", "query.q"), ("q=a%00b", "query.q"),
            ] {
                let reply = try await api.send(.get, "/tasks?\(query)", token: token)
                #expect(reply.status == 422, "\(query)")
                #expect(reply.validationLocations == [location], "\(query): \(reply.body)")
            }
            #expect(try await api.send(.get, "/tasks?limit=100", token: token).status == 200)
            #expect(try await api.send(.get, "/tasks?limit=1", token: token).status == 200)
        }
    }

    /// Task times come from the application's clock, like every other time it writes.
    @Test func createdAndUpdatedTimesComeFromTheClock() async throws {
        let clock = ManualClock()
        clock.advance(by: -86_400 * 400)  // far from the real now
        try await withTestApp(clock: clock) { api in
            try await api.register("alice")
            let token = try await api.login("alice")
            let created = try await api.createTask(token, ["title": "write"])
            let expected = MillisecondDateTranscoder.format(clock.now)
            #expect(created.string("created_at") == expected)
            clock.advance(by: 90)
            let id = try #require(created.string("id"))
            let updated = try await api.send(.patch, "/tasks/\(id)", token: token, json: #"{"done": true}"#)
            #expect(updated.string("updated_at") == MillisecondDateTranscoder.format(clock.now))
            #expect(updated.string("created_at") == expected)
        }
    }
}
