import Foundation
import Logging
import MCP

/// `POST /mcp` through the official SDK: for each HTTP request, a `Server` with the tools and a
/// stateless Streamable HTTP transport (JSON answers, no server-held state), so that any process
/// serves any request and no two callers ever share a server (the SDK matches answers to requests
/// by JSON-RPC id alone). The caller was authenticated before (`MCPRoutes`); the tools' handlers
/// capture who it is. No `import Hummingbird` here: both modules name `Request` and `Response`.
struct MCPEndpoint: Sendable {
    let tools: MCPTools
    /// The server's version in `initialize`'s answer: the contract's (v4).
    let version: String
    let logger: Logger

    /// What the route writes back.
    struct Reply: Sendable {
        var status: Int
        var headers: [String: String]
        var body: Data?
    }

    /// A request that the SDK has not answered in this long is given up on (a handler cancelled by
    /// the client's `notifications/cancelled` is never answered).
    static let answerTimeout: Duration = .seconds(30)

    /// The contract's 503, as `ErrorResponse` writes it.
    static let unavailable: Reply = {
        let (status, headers, body) = ErrorResponse.rendered(.serviceUnavailable)
        return Reply(
            status: Int(status.code), headers: Dictionary(headers.map { ($0.name.canonicalName, $0.value) }, uniquingKeysWith: { _, last in last }),
            body: body)
    }()

    func handle(method: String, headers: [String: String], body: Data?, principal: Principal) async -> Reply {
        // Host and Origin are the reverse proxy's and the browser's business here: the token is
        // what authorizes, and it cannot ride along with a page's request the way a cookie does.
        let transport = StatelessHTTPServerTransport(
            validationPipeline: StandardValidationPipeline(validators: [
                AcceptHeaderValidator(mode: .jsonOnly), ContentTypeValidator(), ProtocolVersionValidator(), MCPMessageCheck(),
            ]),
            logger: logger)
        let server = Server(
            name: "taskmanager", version: version, title: "TaskManager",
            instructions: "Tasks and shared lists. Each tool acts as the signed-in person, under their roles in each list.",
            capabilities: .init(tools: .init(listChanged: false)))
        let tools = self.tools
        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(tools: MCPTools.catalog.map(\.tool))
        }
        await server.withMethodHandler(CallTool.self) { call in
            guard let scope = MCPTools.scope(of: call.name) else { throw MCPError.invalidParams("Unknown tool: \(call.name)") }
            // `MCPRoutes` answered a missing scope with the 403 a client steps up from; checked
            // again on the name the SDK decoded, which is the one that runs.
            guard principal.scopes.contains(scope) else { return tools.refusal(APIError.insufficientScope(scope)) }
            return await tools.call(call.name, arguments: call.arguments ?? [:], principal: principal)
        }
        do {
            try await server.start(transport: transport)
        } catch {
            logger.error("mcp: the server did not start", metadata: ["error": "\(error)"])
            return Self.unavailable
        }
        let watchdog = Task {
            try await Task.sleep(for: Self.answerTimeout)
            await server.stop()
        }
        let response = await transport.handleRequest(HTTPRequest(method: method, headers: headers, body: body, path: "/mcp"))
        watchdog.cancel()
        await server.stop()
        guard response.statusCode < 500 else {
            // Not answered in time (or the SDK failed): a 5xx other than 503 is the contract's bug.
            logger.error("mcp: no answer", metadata: ["status": "\(response.statusCode)"])
            return Self.unavailable
        }
        return Reply(status: response.statusCode, headers: response.headers, body: response.bodyData)
    }
}
