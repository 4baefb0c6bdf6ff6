import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The outermost middleware, added before every route: it bounds request bodies at 1 MiB (the
/// generated OpenAPI routes bypass Hummingbird's own limit), turns every error into the contract's
/// JSON, tells 405 from 404, marks every response `nosniff`, answers CORS, and records each
/// request: one log line, the metrics, and an `X-Request-ID`.
struct EdgeMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    let routes: RouteTable
    let clientAddress: ClientAddressResolver
    let cors: CORSPolicy
    let metrics: AppMetrics
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let started = ContinuousClock.now
        let requestID = Self.requestID(from: request.headers[.xRequestID])
        let info = RequestInfo(
            requestID: requestID, userAgent: request.headers[.userAgent], authorization: request.headers[.authorization],
            clientAddress: clientAddress.resolve(
                peer: context.remoteAddress?.ipAddress, forwardedFor: request.headers[values: .xForwardedFor]))
        var response = await RequestInfo.$current.withValue(info) { await respond(to: request, context: context, next: next) }
        response.headers[.xRequestID] = requestID
        let route = routes.template(for: request.uri.path) ?? "unmatched"
        let duration = ContinuousClock.now - started
        metrics.recordRequest(method: request.method.rawValue, route: route, status: Int(response.status.code), duration: duration)
        guard logger.logLevel <= .info else { return response }
        var line: Logger.Metadata = [
            "method": "\(request.method.rawValue)", "route": "\(route)", "status": "\(response.status.code)",
            "duration_ms": "\(Self.milliseconds(duration))", "request_id": "\(requestID)",
        ]
        if let user = info.annotations.userID { line["user_id"] = "\(user)" }
        logger.info("request", metadata: line)
        return response
    }

    /// `duration` in milliseconds with three decimals, without Foundation's `String(format:)`.
    static func milliseconds(_ duration: Duration) -> String {
        let micros = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        let fraction = String(micros % 1000)
        return "\(micros / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// A client's `X-Request-ID` when it is well-formed (1–128 of `A-Z a-z 0-9 . _ -`); else a new one.
    static func requestID(from header: String?) -> String {
        if let header, (1...128).contains(header.utf8.count),
            header.utf8.allSatisfy({ $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") })
        {
            return header
        }
        return UUID().uuidString.lowercased()
    }

    private func respond(to request: Request, context: Context, next: (Request, Context) async throws -> Response) async
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
            response = try await next(request, context)
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
    static let xRequestID = Self("X-Request-ID")!
}

extension UInt8 {
    fileprivate var isASCIIAlphanumeric: Bool {
        (self >= 0x30 && self <= 0x39) || (self >= 0x41 && self <= 0x5A) || (self >= 0x61 && self <= 0x7A)
    }
}
