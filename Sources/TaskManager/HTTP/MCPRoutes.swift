import Foundation
import HTTPTypes
import Hummingbird

/// `/mcp` on the router: the caller's token, made for `/mcp` (RFC 8707), is checked here, as is
/// the scope of the tool a `tools/call` names (a missing one is the request's 403
/// `insufficient_scope`, so that the client can ask for it); then the SDK answers (`MCPEndpoint`).
/// GET and DELETE are the transport's too: 405, as a server without streams or sessions answers.
struct MCPRoutes: Sendable {
    static let path = "/mcp"

    let endpoint: MCPEndpoint
    let authenticator: BearerAuthenticator

    func addRoutes(to router: Router<some RequestContext>) {
        for method in [HTTPRequest.Method.post, .get, .delete] {
            router.on(RouterPath(Self.path), method: method) { request, _ in try await handle(request) }
        }
    }

    private func handle(_ request: Request) async throws -> Response {
        let principal = try await authenticator.authenticate(authorization: request.headers[.authorization])
        let buffer = try await request.body.collect(upTo: RequestLimits.maximumBodySize)
        let body = buffer.readableBytes > 0 ? Data(buffer.readableBytesView) : nil
        if let body {
            for name in Self.calledTools(in: body) {
                if let scope = MCPTools.scope(of: name), !principal.scopes.contains(scope) { throw APIError.insufficientScope(scope) }
            }
        }
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        let reply = await endpoint.handle(method: request.method.rawValue, headers: headers, body: body, principal: principal)
        var fields = HTTPFields()
        for (name, value) in reply.headers {
            if let name = HTTPField.Name(name) { fields[name] = value }
        }
        let status = HTTPResponse.Status(code: reply.status)
        guard let data = reply.body else { return Response(status: status, headers: fields) }
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The tools that the JSON-RPC message (or batch) in `body` calls: only read here, to check
    /// their scopes before the SDK sees the message; anything malformed is the SDK's to answer.
    static func calledTools(in body: Data) -> [String] {
        guard let parsed = try? JSONSerialization.jsonObject(with: body) else { return [] }
        let messages = (parsed as? [Any]) ?? [parsed]
        return messages.compactMap { message in
            guard let message = message as? [String: Any], message["method"] as? String == "tools/call",
                let params = message["params"] as? [String: Any]
            else { return nil }
            return params["name"] as? String
        }
    }
}
