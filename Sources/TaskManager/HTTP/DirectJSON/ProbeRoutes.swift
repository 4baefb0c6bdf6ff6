import HTTPTypes
import Hummingbird
import OpenAPIHummingbird
import OpenAPIRuntime
import TaskManagerAPI

/// `GET /healthz` and `GET /readyz`, served by routes of their own in front of the generated ones.
///
/// Load balancers call them every few seconds, and through the OpenAPI runtime (its request and
/// body adapters, the OpenAPI middlewares, the generated decoding and serializer) a probe cost
/// half again what the route and the whole middleware chain cost (BENCHMARKS.md, issue 31). These
/// routes still cross that chain, as every route does: they are logged, counted, carry the
/// headers, and their errors are mapped alike. `ProbeRoutesTests` holds their answers to the
/// generated path's, byte for byte.
struct ProbeRoutes: Sendable {
    let server: ServerInfoService

    /// The operations answered here, as `GeneratedRoutes` names them: the generated registration leaves them out.
    static let operations: Set<String> = ["GET /healthz", "GET /readyz"]

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/healthz") { _, _ in Self.healthy }
        router.get("/readyz") { [server] _, _ in
            // Ready when the database answers; else 503.
            guard await server.isReady() else { throw APIError.serviceUnavailable }
            return Self.healthy
        }
    }

    /// `{"status":"ok"}`, written as the generated serializer writes `Health`.
    private static var healthy: Response {
        var writer = JSONWriter()
        writer.object(Components.Schemas.Health(status: "ok"))
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: writer.bytes)))
    }
}

/// Where the generated handlers are registered: the router, but for the operations a route of
/// its own answers in front of them (`ProbeRoutes`). An empty set registers every one.
struct GeneratedRoutes: ServerTransport {
    let router: Router<AppRequestContext>
    let servedAhead: Set<String>

    func register(
        _ handler: @escaping @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method, path: String
    ) throws {
        guard !servedAhead.contains("\(method.rawValue) \(path)") else { return }
        router.register(handler, method: method, path: path)
    }
}
