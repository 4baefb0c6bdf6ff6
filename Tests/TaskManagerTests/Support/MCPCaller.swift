import Foundation
import Testing

@testable import TaskManager

/// JSON-RPC to `/mcp` as an MCP client sends it over the Streamable HTTP transport, through a
/// `Speaker` (the router or the running binary).
struct MCPCaller: Sendable {
    let speak: Speaker

    static let version = "2025-06-18"
    static let headers = [("Accept", "application/json, text/event-stream"), ("MCP-Protocol-Version", version)]

    /// One JSON-RPC request (`id` 1), or the raw `body` given.
    func rpc(_ method: String, _ params: [String: Any]? = nil, token: String?, body: String? = nil) async throws -> Reply {
        var message: [String: Any?] = ["jsonrpc": "2.0", "id": 1, "method": method]
        if let params { message["params"] = params }
        return try await speak.sendWithHeaders("POST", "/mcp", token, body ?? jsonBody(message), Self.headers)
    }

    /// `tools/call`: the HTTP reply and, when it is a JSON-RPC result, the tool's result.
    func call(_ tool: String, _ arguments: [String: Any], token: String) async throws -> (reply: Reply, result: ToolResult?) {
        let reply = try await rpc("tools/call", ["name": tool, "arguments": arguments], token: token)
        return (reply, (reply.json["result"] as? [String: Any]).map(ToolResult.init))
    }

    /// The MCP endpoint's identifier, as its protected-resource metadata names it (RFC 9728).
    func resource() async throws -> String {
        try #require(try await speak("GET", "/.well-known/oauth-protected-resource/mcp").string("resource"))
    }

    /// A token made for `/mcp` (RFC 8707) by the password grant.
    func token(_ name: String, scope: String? = nil) async throws -> String {
        try await speak.token(name, scope: scope, resource: try await resource())
    }
}

/// A `tools/call` result: `isError`, the text of its content, and its `structuredContent`.
struct ToolResult: @unchecked Sendable {
    let isError: Bool
    let text: String
    let structured: [String: Any]?

    init(_ result: [String: Any]) {
        isError = result["isError"] as? Bool ?? false
        text = (result["content"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }.joined()
        structured = result["structuredContent"] as? [String: Any]
    }
}

/// The role matrix through the tools: each tool against every kind of caller, with the HTTP
/// status the operation of the same meaning gets (`SharingMatrix`); a success is a result, a
/// refusal a result with `isError` and the API's words.
enum MCPMatrix {
    struct Route: Sendable {
        var tool: String
        var arguments: @Sendable (SharingWorld, Caller) async throws -> [String: String]
        var expected: @Sendable (Caller) -> Int
    }

    static let routes: [Route] = [
        Route(tool: "get_task", arguments: { w, _ in ["task_id": w.task] }, expected: SharingMatrix.read),
        Route(tool: "list_tasks", arguments: { w, _ in ["list_id": w.shared] }, expected: SharingMatrix.read),
        Route(
            tool: "create_task", arguments: { w, _ in ["title": "Added by an agent", "list_id": w.shared] },
            expected: { caller in [.owner, .editor].contains(caller) ? 201 : caller == .viewer ? 403 : 422 }),
        Route(tool: "update_task", arguments: { w, _ in ["task_id": w.task, "title": "Renamed by an agent"] }, expected: SharingMatrix.edit(200)),
        Route(tool: "complete_task", arguments: { w, _ in ["task_id": w.task] }, expected: SharingMatrix.edit(200)),
        Route(tool: "delete_task", arguments: { w, _ in ["task_id": try await w.freshTask()] }, expected: SharingMatrix.edit(204)),
        Route(
            tool: "share_list",
            arguments: { w, _ in ["list_id": w.shared, "username": try await w.newcomer("ivy").name, "role": "viewer"] },
            expected: SharingMatrix.own(201)),
    ]

    /// Runs every cell with each caller's `/mcp` token; returns the cells that went otherwise.
    static func run(_ world: SharingWorld, tokens: [Caller: String]) async throws -> [String] {
        let mcp = MCPCaller(speak: world.speak)
        var wrong: [String] = []
        for route in routes {
            for caller in Caller.allCases {
                let expected = route.expected(caller)
                let (reply, result) = try await mcp.call(route.tool, try await route.arguments(world, caller), token: tokens[caller]!)
                guard reply.status == 200, let result else {
                    wrong.append("\(route.tool) as \(caller.rawValue): HTTP \(reply.status) \(reply.body)")
                    continue
                }
                let refused = expected >= 400
                if result.isError != refused {
                    wrong.append("\(route.tool) as \(caller.rawValue): isError \(result.isError), expected \(refused): \(result.text)")
                } else if expected == 403, result.text != "Not enough permissions on this list" {
                    wrong.append("\(route.tool) as \(caller.rawValue): 403's words: \(result.text)")
                } else if expected == 404, !result.text.hasSuffix("not found") {
                    wrong.append("\(route.tool) as \(caller.rawValue): 404's words: \(result.text)")
                } else if expected == 422, !result.text.contains("list_id") {
                    wrong.append("\(route.tool) as \(caller.rawValue): 422's words: \(result.text)")
                } else if !refused, result.structured == nil {
                    wrong.append("\(route.tool) as \(caller.rawValue): no structuredContent")
                }
            }
        }
        return wrong
    }

    /// Every caller's `/mcp` token.
    static func tokens(_ world: SharingWorld, adminName: String) async throws -> [Caller: String] {
        let mcp = MCPCaller(speak: world.speak)
        var tokens: [Caller: String] = [:]
        for caller in Caller.allCases {
            let name = caller == .admin ? adminName : "\(world.prefix)-\(SharingWorld.name(of: caller))"
            tokens[caller] = try await mcp.token(name)
        }
        return tokens
    }
}
