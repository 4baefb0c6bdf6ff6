import Foundation
import HTTPTypes
import Testing

@testable import TaskManager

/// A refused JSON body is answered with every one of its problems in one 422 — types, enums with
/// their allowed values, the fields' own rules, unknown fields — as FastAPI answers, not with the
/// first the generated decoder met.
@Suite struct BodyIssuesRouterTests {
    @Test func aTaskWithSeveralFaultsIsRefusedForAllOfThem() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let token = try await api.login("alice")
            let created = try await api.createTask(token, ["title": "ok"])
            let id = try #require(created.json["id"] as? String)
            let cases: [(String, [String])] = [
                (#"{"title": "", "due_date": "24/12/2026", "priority": "urgent"}"#, ["body.title", "body.priority", "body.due_date"]),
                (#"{"title": "", "done": "yes"}"#, ["body.title", "body.done"]),
                (#"{"title": "   ", "done": 1, "colour": "red"}"#, ["body.title", "body.done", "body.colour"]),
                (#"{"title": 7, "description": "\u0000", "due_date": "2026-02-30", "owner_id": "x"}"#,
                 ["body.title", "body.description", "body.due_date", "body.owner_id"]),
                // A null the document does not allow, beside other faults: all of them too.
                (#"{"title": "", "description": null, "priority": null}"#, ["body.title", "body.description", "body.priority"]),
            ]
            for (body, locations) in cases {
                for (method, path) in [(HTTPRequest.Method.post, "/tasks"), (.patch, "/tasks/\(id)")] {
                    let reply = try await api.send(method, path, token: token, json: body)
                    #expect(reply.status == 422, "\(path) \(body)")
                    #expect(reply.validationLocations == locations, "\(path) \(body): \(reply.body)")
                }
            }
            let reply = try await api.send(.post, "/tasks", token: token, json: #"{"title": "", "priority": "urgent"}"#)
            let messages = (reply.json["detail"] as? [[String: Any]] ?? []).compactMap { $0["msg"] as? String }
            #expect(messages == ["String should have at least 1 character", "Input should be 'low', 'normal' or 'high'"], "\(reply.body)")
            #expect(try await api.send(.get, "/tasks", token: token).items.count == 1)
        }
    }

    /// No body at all where the document requires one: one problem, the body, in FastAPI's words.
    @Test func aMissingBodyIsNamed() async throws {
        try await withTestApp { api in
            try await api.register("alice")
            let token = try await api.login("alice")
            for (method, path) in [(HTTPRequest.Method.post, "/tasks"), (.post, "/lists")] {
                let reply = try await api.send(method, path, token: token, headers: [.contentType: "application/json"])
                #expect(reply.status == 422, "\(path): \(reply.body)")
                let issues = reply.json["detail"] as? [[String: Any]] ?? []
                #expect(reply.validationLocations == ["body"], "\(path): \(reply.body)")
                #expect(issues.first?["msg"] as? String == "Field required")
                #expect(issues.first?["type"] as? String == "missing")
            }
        }
    }

    /// Every JSON operation of the document: each property sent with the wrong type and a field it
    /// does not know, all of them named in one answer, in the document's order, the unknown last.
    @Test func everyJSONOperationNamesEveryProblem() async throws {
        try await withAdminApp { api, token in
            let operations = OpenAPIDocument.compiled.operations.sorted { $0.key < $1.key }
            var checked = 0
            // RFC 7591's registration and MCP's JSON-RPC name their problems in their own 400s
            // (`AgentsRouterTests`, `MCPRouterTests`).
            for (id, operation) in operations where !["registerClient", "callMCP"].contains(id) {
                guard case .object(let properties, _, let closed, _)? = operation.bodyShape else { continue }
                var body: [String: Any] = [:]
                var expected: [String] = []
                for property in properties {
                    guard let wrong = Self.wrongValue(for: property.shape) else { continue }
                    body[property.name] = wrong
                    expected.append("body.\(property.name)")
                }
                if closed {
                    body["unexpected_field"] = true
                    expected.append("body.unexpected_field")
                }
                let path = operation.path.replacingOccurrences(
                    of: #"\{[^}]+\}"#, with: UUID().uuidString.lowercased(), options: .regularExpression)
                let data = try JSONSerialization.data(withJSONObject: body)
                let reply = try await api.send(
                    HTTPRequest.Method(operation.method) ?? .post, path, token: token,
                    json: String(decoding: data, as: UTF8.self))
                #expect(reply.status == 422, "\(id): \(reply.body)")
                #expect(reply.validationLocations == expected, "\(id): \(reply.body)")
                checked += 1
            }
            #expect(checked == 14)
        }
    }

    /// A JSON value of another type than `shape` asks for, or `nil` where any value is taken.
    static func wrongValue(for shape: BodyShape) -> Any? {
        switch shape {
        case .string, .oneOf: 12345
        case .boolean, .integer, .number, .array, .object: "not this"
        case .nullable(let inner): wrongValue(for: inner)
        case .null, .anything: nil
        }
    }
}
