import Foundation
import HTTPTypes
import Hummingbird

/// `/mcp` on the router: the caller's token, made for `/mcp` (RFC 8707), is checked here, as is
/// the scope of the tool a `tools/call` names (a missing one is the request's 403
/// `insufficient_scope`, so that the client can ask for it); then the SDK answers (`MCPEndpoint`).
/// POST alone: a server without streams or sessions answers GET and DELETE with 405 (the router's,
/// with `Allow: POST`), as the transport allows.
struct MCPRoutes: Sendable {
    static let path = "/mcp"

    let endpoint: MCPEndpoint
    let authenticator: BearerAuthenticator

    func addRoutes(to router: Router<some RequestContext>) {
        router.post(RouterPath(Self.path)) { request, _ in try await handle(request) }
    }

    private func handle(_ request: Request) async throws -> Response {
        let principal = try await authenticator.authenticate(authorization: request.headers[.authorization])
        let buffer = try await request.body.collect(upTo: RequestLimits.maximumBodySize)
        let body = buffer.readableBytes > 0 ? Data(buffer.readableBytesView) : nil
        if let body, let name = MCPMessageCheck.calledTool(in: body), let scope = MCPTools.scope(of: name),
            !principal.scopes.contains(scope)
        {
            throw APIError.insufficientScope(scope)
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
}
