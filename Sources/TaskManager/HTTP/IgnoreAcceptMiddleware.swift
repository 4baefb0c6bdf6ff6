import Hummingbird

/// Every operation answers JSON; like FastAPI, ignore `Accept` rather than let the generated
/// serializer refuse it after the handler has already changed data. But for `GET /events`, which
/// only reads, where `Accept: text/event-stream` asks for the stream instead of a page; and for
/// `/mcp`, whose transport requires the header its protocol prescribes.
struct IgnoreAcceptMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let accept = request.headers[.accept],
            !(request.method == .get && request.uri.path == "/events" && accept.contains("text/event-stream")),
            request.uri.path != MCPRoutes.path
        else { return try await next(request, context) }
        var head = request.head
        head.headerFields[.accept] = nil
        return try await next(Request(head: head, body: request.body), context)
    }
}
