import Foundation
import HTTPTypes
import Hummingbird

/// The outermost middleware, added before every route: it bounds request bodies at 1 MiB (the
/// generated OpenAPI routes bypass Hummingbird's own limit), turns every error into the contract's
/// JSON, tells 405 from 404, and marks every response `nosniff`.
struct EdgeMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    let routes: RouteTable
    let clientAddress: ClientAddressResolver
    let cors: CORSPolicy

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        if let preflight = cors.preflight(request, allowedMethods: routes.allowedMethods(for: request.uri.path)) {
            var response = preflight
            response.headers[.xContentTypeOptions] = "nosniff"
            return response
        }
        var response: Response
        do {
            var request = request
            if let declared = request.headers[.contentLength].flatMap(Int.init), declared > RequestLimits.maximumBodySize {
                throw APIError.payloadTooLarge
            }
            _ = try await request.collectBody(upTo: RequestLimits.maximumBodySize)
            // Every operation answers JSON; like FastAPI, ignore `Accept` rather than fail after the
            // handler has already changed data.
            if request.headers[.accept] != nil {
                var head = request.head
                head.headerFields[.accept] = nil
                request = Request(head: head, body: request.body)
            }
            let info = RequestInfo(
                userAgent: request.headers[.userAgent], authorization: request.headers[.authorization],
                clientAddress: clientAddress.resolve(
                    peer: context.remoteAddress?.ipAddress, forwardedFor: request.headers[values: .xForwardedFor]))
            response = try await RequestInfo.$current.withValue(info) { try await next(request, context) }
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = routes.allowedMethods(for: request.uri.path)
            response = ErrorResponse.render(allowed.map { .methodNotAllowed(allowed: $0) } ?? .notFound("Not Found"))
        } catch {
            response = ErrorResponse.response(for: error, logger: context.logger)
        }
        // The generated serializer percent-encodes header values as URI components ("/" → "%2F").
        if let location = response.headers[.location] {
            response.headers[.location] = location.removingPercentEncoding ?? location
        }
        cors.decorate(&response, for: request)
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }
}

enum RequestLimits {
    /// The contract's body limit: larger bodies get 413.
    static let maximumBodySize = 1 << 20
}

extension HTTPField.Name {
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let pragma = Self("Pragma")!
    static let xForwardedFor = Self("X-Forwarded-For")!
}
