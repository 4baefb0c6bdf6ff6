import Hummingbird

/// Bounds request bodies at the contract's 1 MiB (the generated OpenAPI routes bypass Hummingbird's
/// own limit): a declared length over it is refused before anything is read, and a streamed body
/// stops being read once it passes it (`NIOTooManyBytesError`, mapped to 413).
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > RequestLimits.maximumBodySize {
            throw APIError.payloadTooLarge
        }
        var request = request
        _ = try await request.collectBody(upTo: RequestLimits.maximumBodySize)
        return try await next(request, context)
    }
}

enum RequestLimits {
    /// The contract's body limit: larger bodies get 413.
    static let maximumBodySize = 1 << 20
}
