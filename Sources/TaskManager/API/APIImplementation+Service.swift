import OpenAPIRuntime
import TaskManagerAPI

extension APIImplementation {
    // The server answers the probes with `ProbeRoutes`, in front of these; `ProbeRoutesTests` holds
    // those answers to these ones.
    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        .ok(.init(body: .json(.init(status: "ok"))))
    }

    func getReadiness(_ input: Operations.GetReadiness.Input) async throws -> Operations.GetReadiness.Output {
        // Ready when the database answers; else 503.
        guard await services.server.isReady() else { throw APIError.serviceUnavailable }
        return .ok(.init(body: .json(.init(status: "ok"))))
    }

    func getMetrics(_ input: Operations.GetMetrics.Input) async throws -> Operations.GetMetrics.Output {
        .ok(.init(body: .plainText(HTTPBody(services.server.metricsExposition()))))
    }
}
