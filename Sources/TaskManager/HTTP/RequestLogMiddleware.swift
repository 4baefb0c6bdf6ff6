import Foundation
import Hummingbird
import Logging

/// The outermost middleware: gives each request its id (a client's well-formed `X-Request-ID`, or
/// a new one), returns it on the response, makes the request's facts (`RequestInfo`) available
/// below, and writes one log line when the response is ready.
struct RequestLogMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    let clientAddress: ClientAddressResolver
    let requests: RequestTally
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let started = ContinuousClock.now
        requests.started()
        defer { requests.ended() }
        let requestID = Self.requestID(from: request.headers[.xRequestID])
        let info = RequestInfo(
            requestID: requestID, userAgent: request.headers[.userAgent],
            clientAddress: clientAddress.resolve(
                peer: context.remoteAddress?.ipAddress, forwardedFor: request.headers[values: .xForwardedFor]))
        var response = try await RequestInfo.$current.withValue(info) { try await next(request, context) }
        response.headers[.xRequestID] = requestID
        guard logger.logLevel <= .info else { return response }
        var line: Logger.Metadata = [
            "method": "\(request.method.rawValue)", "route": "\(context.routeLabel)", "status": "\(response.status.code)",
            "duration_ms": "\((ContinuousClock.now - started).millisecondsText)", "request_id": "\(requestID)",
        ]
        if let user = info.annotations.userID { line["user_id"] = "\(user)" }
        logger.info("request", metadata: line)
        return response
    }

    /// A client's `X-Request-ID` when it is well-formed (1–128 of `A-Z a-z 0-9 . _ -`); else a new one.
    static func requestID(from header: String?) -> String {
        if let header, (1...128).contains(header.utf8.count),
            header.utf8.allSatisfy({ $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") })
        {
            return header
        }
        return RequestID.make()
    }
}

extension RequestContext {
    /// The route template the router matched (`/tasks/{id}`), for metrics and logs; `unmatched` for
    /// a path no route serves, so the label set stays bounded.
    var routeLabel: String {
        guard let path = endpointPath, path != "NotFound" else { return "unmatched" }
        return path
    }
}

extension UInt8 {
    fileprivate var isASCIIAlphanumeric: Bool {
        (self >= 0x30 && self <= 0x39) || (self >= 0x41 && self <= 0x5A) || (self >= 0x61 && self <= 0x7A)
    }
}
