import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// Turns every error below it into the contract's JSON (`ErrorResponse`), tells 405 (with `Allow`)
/// from 404 by what the router registered, and gives every response the headers the contract
/// promises: `nosniff`, and a `Location` as the handler wrote it.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RegisteredRoutes

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = routes.table.allowedMethods(for: request.uri.path)
            response = ErrorResponse.render(allowed.map { .methodNotAllowed(allowed: $0) } ?? .notFound("Not Found"))
        } catch {
            response = ErrorResponse.response(for: error, logger: context.logger)
        }
        // The generated serializer percent-encodes header values as URI components ("/" → "%2F"):
        // the API's own `Location`s are paths. The sign-in page's redirects are absolute URIs whose
        // query is encoded on purpose, and stay as they are.
        if let location = response.headers[.location], location.hasPrefix("%2F") {
            response.headers[.location] = location.removingPercentEncoding ?? location
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }
}

/// What the router serves, read from it once every route is registered: the middlewares are added
/// first (they apply only to routes added after them), so they get this box and `buildRouter` fills it.
final class RegisteredRoutes: Sendable {
    private let value = Mutex(RouteTable([:]))

    var table: RouteTable { value.withLock { $0 } }

    func set<Context>(from router: Router<Context>) {
        var methods: [String: [String]] = [:]
        for route in router.routes { methods[route.path.description, default: []].append(route.method.rawValue) }
        value.withLock { $0 = RouteTable(methods) }
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let pragma = Self("Pragma")!
    static let xForwardedFor = Self("X-Forwarded-For")!
    static let xRequestID = Self("X-Request-ID")!
}
