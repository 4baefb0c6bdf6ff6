import Foundation
import Testing

@testable import TaskManager

/// `/mcp` through the router, on every engine: the JSON-RPC an MCP client sends (initialize with
/// both protocol versions, tools/list with schemas, every tool, an unknown tool, malformed
/// messages never a 5xx), the audience and scope rules, and the role matrix through the tools.
@Suite struct MCPRouterTests {
    @Test func initializeEchoesTheVersionAskedForAndListsTheTools() async throws {
        try await withTestApp { api in
            let mcp = MCPCaller(speak: .router(api))
            _ = try await api.register("alice")
            let token = try await mcp.token("alice")
            for version in ["2025-06-18", "2025-11-25"] {
                let reply = try await mcp.rpc(
                    "initialize",
                    ["protocolVersion": version, "capabilities": [String: Any](), "clientInfo": ["name": "test", "version": "1"]],
                    token: token)
                #expect(reply.status == 200, "\(reply.body)")
                #expect(reply.header("Content-Type")?.hasPrefix("application/json") == true)
                let result = try #require(reply.json["result"] as? [String: Any], "\(reply.body)")
                #expect(result["protocolVersion"] as? String == version)
                #expect((result["serverInfo"] as? [String: Any])?["name"] as? String == "taskmanager")
                #expect((result["capabilities"] as? [String: Any])?["tools"] != nil)
            }
            let listed = try await mcp.rpc("tools/list", token: token)
            let tools = try #require((listed.json["result"] as? [String: Any])?["tools"] as? [[String: Any]], "\(listed.body)")
            #expect(
                tools.compactMap { $0["name"] as? String }.sorted()
                    == ["complete_task", "create_list", "create_task", "delete_task", "get_task", "list_lists", "list_tasks", "share_list", "update_task"])
            for tool in tools {
                let schema = try #require(tool["inputSchema"] as? [String: Any])
                #expect(schema["type"] as? String == "object", "\(tool)")
                #expect(tool["description"] as? String != nil)
            }
            let create = try #require(tools.first { $0["name"] as? String == "create_task" }?["inputSchema"] as? [String: Any])
            #expect(create["required"] as? [String] == ["title"])
            #expect(Set((create["properties"] as? [String: Any] ?? [:]).keys) == ["title", "description", "done", "priority", "due_date", "list_id"])
        }
    }

    @Test func everyToolDoesWhatItsOperationDoes() async throws {
        try await withTestApp { api in
            let mcp = MCPCaller(speak: .router(api))
            _ = try await api.register("alice")
            _ = try await api.register("bob")
            let token = try await mcp.token("alice")
            let apiToken = try await api.login("alice")

            var (reply, result) = try await mcp.call("create_list", ["name": "Family"], token: token)
            let list = try #require(result?.structured, "\(reply.body)")
            let listID = try #require(list["id"] as? String)
            #expect(list["name"] as? String == "Family" && list["role"] as? String == "owner")

            (reply, result) = try await mcp.call("create_task", ["title": "Buy milk", "list_id": listID, "priority": "high"], token: token)
            let task = try #require(result?.structured, "\(reply.body)")
            let taskID = try #require(task["id"] as? String)
            #expect(result?.isError == false)
            // The same JSON as text, and the same task as the API's own answer.
            let text = try JSONSerialization.jsonObject(with: Data(try #require(result?.text).utf8)) as? [String: Any]
            #expect(text?["id"] as? String == taskID)
            let viaAPI = try await api.send(.get, "/tasks/\(taskID)", token: apiToken)
            #expect(viaAPI.body == result?.text)

            (_, result) = try await mcp.call("get_task", ["task_id": taskID], token: token)
            #expect(result?.structured?["title"] as? String == "Buy milk")
            (_, result) = try await mcp.call("list_tasks", ["list_id": listID, "priority": "high"], token: token)
            #expect((result?.structured?["items"] as? [[String: Any]])?.count == 1)
            (_, result) = try await mcp.call("list_tasks", ["q": "nothing like it"], token: token)
            #expect((result?.structured?["items"] as? [[String: Any]])?.isEmpty == true)
            (_, result) = try await mcp.call("update_task", ["task_id": taskID, "title": "Buy oat milk", "due_date": "2026-12-24"], token: token)
            #expect(result?.structured?["title"] as? String == "Buy oat milk")
            #expect(result?.structured?["due_date"] as? String == "2026-12-24")
            (_, result) = try await mcp.call("update_task", ["task_id": taskID, "due_date": NSNull()], token: token)
            #expect(result?.structured?["due_date"] is NSNull)
            (_, result) = try await mcp.call("complete_task", ["task_id": taskID], token: token)
            #expect(result?.structured?["done"] as? Bool == true)
            (_, result) = try await mcp.call("list_lists", [:], token: token)
            #expect((result?.structured?["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String }.contains("Family") == true)
            (_, result) = try await mcp.call("share_list", ["list_id": listID, "username": "bob", "role": "editor"], token: token)
            #expect(result?.structured?["username"] as? String == "bob", "\(result?.text ?? "")")
            (_, result) = try await mcp.call("delete_task", ["task_id": taskID], token: token)
            #expect(result?.structured?["deleted"] as? Bool == true)
            #expect(try await api.send(.get, "/tasks/\(taskID)", token: apiToken).status == 404)

            // Refusals are results in the API's words, never a JSON-RPC error.
            (reply, result) = try await mcp.call("get_task", ["task_id": taskID], token: token)
            #expect(reply.status == 200 && result?.isError == true && result?.text == "Task not found")
            (_, result) = try await mcp.call("create_task", ["title": ""], token: token)
            #expect(result?.isError == true && result?.text.contains("title") == true, "\(result?.text ?? "")")
            (_, result) = try await mcp.call("create_task", [:], token: token)
            #expect(result?.isError == true && result?.text.contains("Field required") == true, "\(result?.text ?? "")")
            (_, result) = try await mcp.call("create_task", ["title": 7], token: token)
            #expect(result?.isError == true, "\(result?.text ?? "")")
            (_, result) = try await mcp.call("share_list", ["list_id": listID, "username": "nobody", "role": "viewer"], token: token)
            #expect(result?.isError == true && result?.text == "User not found", "\(result?.text ?? "")")
            (_, result) = try await mcp.call("list_tasks", ["limit": 0], token: token)
            #expect(result?.isError == true && result?.text.contains("limit") == true, "\(result?.text ?? "")")

            // Each tool's change is an event, as the operation's is.
            let events = try await api.send(.get, "/events", token: apiToken).items.compactMap { $0["type"] as? String }
            #expect(events.contains("task.created") && events.contains("task.updated") && events.contains("task.deleted"), "\(events)")
        }
    }

    @Test func unknownToolsAndMalformedMessagesAreNeverA5xx() async throws {
        try await withTestApp { api in
            let mcp = MCPCaller(speak: .router(api))
            _ = try await api.register("alice")
            let token = try await mcp.token("alice")
            let unknown = try await mcp.rpc("tools/call", ["name": "drop_database", "arguments": [String: Any]()], token: token)
            #expect(unknown.status == 200)
            #expect((unknown.json["error"] as? [String: Any])?["code"] as? Int == -32602, "\(unknown.body)")
            let method = try await mcp.rpc("resources/list", token: token)
            #expect((method.json["error"] as? [String: Any])?["code"] as? Int == -32601, "\(method.body)")
            for body in ["{", "[]", "42", #"{"jsonrpc": "2.0"}"#, #"{"jsonrpc": "2.0", "id": 1, "method": "tools/call"}"#,
                #"{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": 5}}"#, String(repeating: "[", count: 10_000)]
            {
                let reply = try await mcp.rpc("", token: token, body: body)
                #expect((400..<500).contains(reply.status) || reply.json["error"] != nil, "\(body.prefix(40)): \(reply.status) \(reply.body)")
                #expect(reply.status < 500, "\(body.prefix(40)): \(reply.status)")
            }
            // Messages the SDK's two parsers would read differently, answered at once (the SDK
            // would wait for an answer to the other id until its timeout).
            for body in [#"{"jsonrpc": "2.0", "id": 1, "id": 2, "method": "ping"}"#, #"{"jsonrpc": "2.0", "id": true, "method": "ping"}"#,
                #"{"jsonrpc": "2.0", "id": 1.5, "method": "ping"}"#, #"{"jsonrpc": "2.0", "id": 1, "method": "ping", "result": {}}"#]
            {
                let started = ContinuousClock.now
                let reply = try await mcp.rpc("", token: token, body: body)
                #expect(reply.status == 400, "\(body): \(reply.status) \(reply.body)")
                #expect((reply.json["error"] as? [String: Any])?["code"] as? Int == -32600, "\(body): \(reply.body)")
                #expect(ContinuousClock.now - started < .seconds(10), "\(body)")
            }
            // Without the Accept the protocol prescribes: 406, in JSON-RPC's shape.
            let noAccept = try await api.send(.post, "/mcp", token: token, json: #"{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}"#)
            #expect(noAccept.status == 406, "\(noAccept.body)")
            // No streams and no sessions: GET and DELETE are 405.
            for method in ["GET", "DELETE"] {
                let reply = try await api.send(.init(method)!, "/mcp", token: token)
                #expect(reply.status == 405, "\(method): \(reply.status) \(reply.body)")
                #expect(reply.header("Allow") == "POST")
            }
        }
    }

    /// The audience: `/mcp` takes only tokens made for it, the API only its own (RFC 8707); each
    /// 401 names the metadata of what was asked (RFC 9728); a tool whose scope the token lacks is
    /// the request's 403 `insufficient_scope`, so that the client can step up.
    @Test func audiencesAndScopesAreEnforced() async throws {
        try await withTestApp { api in
            let mcp = MCPCaller(speak: .router(api))
            _ = try await api.register("alice")
            let resource = try await mcp.resource()
            let publicURL = String(resource.dropLast("/mcp".count))
            let apiToken = try await api.login("alice")
            let mcpToken = try await mcp.token("alice")

            var reply = try await mcp.rpc("tools/list", token: nil)
            #expect(reply.status == 401)
            #expect(reply.header("WWW-Authenticate") == #"Bearer resource_metadata="\#(publicURL)/.well-known/oauth-protected-resource/mcp""#)
            reply = try await mcp.rpc("tools/list", token: apiToken)
            #expect(reply.status == 401)
            #expect(reply.header("WWW-Authenticate") == #"Bearer error="invalid_token", resource_metadata="\#(publicURL)/.well-known/oauth-protected-resource/mcp""#)
            reply = try await api.send(.get, "/me", token: mcpToken)
            #expect(reply.status == 401)
            #expect(reply.header("WWW-Authenticate") == #"Bearer error="invalid_token", resource_metadata="\#(publicURL)/.well-known/oauth-protected-resource""#)
            #expect(try await api.send(.get, "/me", token: apiToken).status == 200)

            let reader = try await mcp.token("alice", scope: "tasks:read")
            #expect(try await mcp.call("list_tasks", [:], token: reader).result?.isError == false)
            // A tool named twice is refused, whichever of the two names a parser would keep.
            for names in [("delete_task", "list_lists"), ("list_lists", "delete_task")] {
                let body = #"{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "\#(names.0)", "arguments": {"task_id": "x"}, "name": "\#(names.1)"}}"#
                let sneaked = try await mcp.rpc("", token: reader, body: body)
                #expect(sneaked.status == 400 || sneaked.status == 403, "\(names): \(sneaked.status) \(sneaked.body)")
                #expect(sneaked.json["result"] == nil, "\(names): \(sneaked.body)")
            }
            reply = try await mcp.call("create_task", ["title": "No"], token: reader).reply
            #expect(reply.status == 403)
            #expect(reply.json["detail"] as? String == "Not enough permissions")
            #expect(reply.challenge == #"Bearer error="insufficient_scope", scope="tasks:write""#)
            #expect(reply.header("WWW-Authenticate")?.contains(#"resource_metadata="\#(publicURL)/.well-known/oauth-protected-resource/mcp""#) == true)
            #expect(try await api.send(.get, "/tasks", token: try await api.login("alice")).items.isEmpty)
        }
    }

    @Test func everyCallerAgainstEveryTool() async throws {
        try await withAdminApp { api, root in
            let world = try await SharingWorld.make(.router(api), adminToken: root)
            let wrong = try await MCPMatrix.run(world, tokens: try await MCPMatrix.tokens(world, adminName: "root"))
            #expect(wrong.isEmpty, "\(wrong.joined(separator: "\n"))")
        }
    }

    /// The sharing bugs through the tools: an id in the arguments is checked, a task is found
    /// only through a list the caller is in, and a removed member's next call is refused.
    @Test func theSharingBugClassesThroughTheTools() async throws {
        try await withAdminApp { api, root in
            let w = try await SharingWorld.make(.router(api), adminToken: root)
            let mcp = MCPCaller(speak: w.speak)
            let tokens = try await MCPMatrix.tokens(w, adminName: "root")
            // A stranger plants a task in alice's list, or moves one of theirs there.
            var result = try await mcp.call("create_task", ["title": "planted", "list_id": w.shared], token: tokens[.stranger]!).result
            #expect(result?.isError == true && result?.text.contains("list_id") == true, "\(result?.text ?? "")")
            let mine = try #require(try await mcp.call("create_task", ["title": "mine"], token: tokens[.stranger]!).result?.structured?["id"] as? String)
            result = try await mcp.call("update_task", ["task_id": mine, "list_id": w.shared], token: tokens[.stranger]!).result
            #expect(result?.isError == true)
            // dave edits `other`, not `shared`: alice's shared task is not found through his list.
            result = try await mcp.call("get_task", ["task_id": w.task], token: tokens[.otherListMember]!).result
            #expect(result?.isError == true && result?.text == "Task not found")
            // Removed: carol's very next call is refused.
            #expect(try await mcp.call("get_task", ["task_id": w.task], token: tokens[.viewer]!).result?.isError == false)
            #expect(try await w.speak("DELETE", "/lists/\(w.shared)/members/\(w.id(.viewer))", w.token(.owner)).status == 204)
            result = try await mcp.call("get_task", ["task_id": w.task], token: tokens[.viewer]!).result
            #expect(result?.isError == true && result?.text == "Task not found")
            result = try await mcp.call("list_tasks", ["list_id": w.shared], token: tokens[.viewer]!).result
            #expect(result?.isError == true && result?.text == "List not found", "\(result?.text ?? "")")
        }
    }
}
