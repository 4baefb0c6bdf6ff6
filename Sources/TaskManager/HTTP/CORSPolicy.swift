import HTTPTypes
import Hummingbird

/// CORS for exactly the configured origins (`--cors-origins`); off when there are none. A
/// preflight from an allowed origin is answered here, before routing; other origins get no CORS
/// headers, so browsers keep their same-origin rule.
struct CORSPolicy: Sendable {
    let origins: Set<String>

    static let allowedHeaders = "Authorization, Content-Type, X-Request-ID"
    static let exposedHeaders = "Location, Retry-After, WWW-Authenticate, X-Request-ID"

    var isEnabled: Bool { !origins.isEmpty }

    /// The preflight answer for an allowed origin, or `nil` when `request` is no such preflight.
    func preflight(_ request: Request, allowedMethods: [String]?) -> Response? {
        guard request.method == .options, let origin = allowedOrigin(of: request),
            request.headers[.accessControlRequestMethod] != nil
        else { return nil }
        let methods = allowedMethods ?? []
        var headers: HTTPFields = [
            .accessControlAllowOrigin: origin,
            .accessControlAllowMethods: methods.joined(separator: ", "),
            .accessControlAllowHeaders: Self.allowedHeaders,
            .accessControlMaxAge: "600",
            .vary: "Origin",
        ]
        if !methods.isEmpty { headers[.allow] = methods.joined(separator: ", ") }
        return Response(status: .noContent, headers: headers)
    }

    /// Adds the headers an allowed origin's actual request needs.
    func decorate(_ response: inout Response, for request: Request) {
        guard let origin = allowedOrigin(of: request) else { return }
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
        response.headers[.vary] = "Origin"
    }

    private func allowedOrigin(of request: Request) -> String? {
        guard isEnabled, let origin = request.headers[.origin], origins.contains(origin) else { return nil }
        return origin
    }
}

/// Answers an allowed origin's preflight before routing, and adds CORS headers to the responses
/// of its actual requests (errors included: the error mapping sits below this).
struct CORSMiddleware<Context: RequestContext>: RouterMiddleware {
    let policy: CORSPolicy
    let routes: RegisteredRoutes

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard policy.isEnabled else { return try await next(request, context) }
        if var preflight = policy.preflight(request, allowedMethods: routes.table.allowedMethods(for: request.uri.path)) {
            preflight.headers[.xContentTypeOptions] = "nosniff"
            return preflight
        }
        var response = try await next(request, context)
        policy.decorate(&response, for: request)
        return response
    }
}
