import Hummingbird

/// Counts each request and its duration by method, route template and status (`AppMetrics`).
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: AppMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        metrics.recordRequest(
            method: request.method.rawValue, route: context.routeLabel, status: Int(response.status.code),
            duration: ContinuousClock.now - started)
        return response
    }
}
