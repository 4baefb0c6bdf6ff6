import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// Turns every error below it into the contract's JSON (`ErrorResponse`), and tells 405 (with
/// `Allow`) from 404 by what the router registered.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RegisteredRoutes

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = routes.table.allowedMethods(for: request.uri.path)
            return ErrorResponse.render(allowed.map { .methodNotAllowed(allowed: $0) } ?? .notFound("Not Found"))
        } catch {
            return ErrorResponse.response(for: error, logger: context.logger)
        }
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
