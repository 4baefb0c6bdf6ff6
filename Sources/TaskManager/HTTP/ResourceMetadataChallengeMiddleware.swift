import Hummingbird

/// RFC 9728 §5.1: every `Bearer` challenge (a 401 or a 403 `insufficient_scope`, of the API and of
/// `/mcp`) names the protected-resource metadata of what was asked, so that a client that knows
/// only the URL finds the authorization server. Added here, once, to whatever `ErrorResponse`
/// wrote: it alone knows the public URL.
struct ResourceMetadataChallengeMiddleware<Context: RequestContext>: RouterMiddleware {
    let publicURL: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        guard let challenge = response.headers[.wwwAuthenticate], challenge.hasPrefix("Bearer") else { return response }
        let path = request.uri.path
        let resource: ProtectedResource = path == "/mcp" || path.hasPrefix("/mcp/") ? .mcp : .api
        let parameter = #"resource_metadata="\#(resource.metadataURL(publicURL: publicURL))""#
        response.headers[.wwwAuthenticate] = challenge == "Bearer" ? "Bearer " + parameter : challenge + ", " + parameter
        return response
    }
}
