import Hummingbird

/// Handles `GET /events` in a child task. A stream holds its connection for as long as its token
/// lives, and a Swift task keeps the memory of its deepest call (its allocator's slabs) until it
/// ends: handled in the connection's own task, the middleware chain and the generated handler
/// left it holding ~53 KiB per stream (`bench/events`). The child ends once the response is made;
/// the connection's task then only writes the body, from a shallow stack.
struct StreamHandlingMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard request.method == .get, request.uri.path == "/events" else { return try await next(request, context) }
        return try await withoutActuallyEscaping(next) { next in
            // Called once, by the child, while this task waits for it: never at the same time.
            nonisolated(unsafe) let handle = next
            async let response = handle(request, context)
            return try await response
        }
    }
}
