import Hummingbird

/// Every operation answers JSON; like FastAPI, ignore `Accept` rather than let the generated
/// serializer refuse it after the handler has already changed data.
struct IgnoreAcceptMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard request.headers[.accept] != nil else { return try await next(request, context) }
        var head = request.head
        head.headerFields[.accept] = nil
        return try await next(Request(head: head, body: request.body), context)
    }
}
