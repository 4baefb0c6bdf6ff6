import OpenAPIRuntime
import TaskManagerAPI

extension APIImplementation {
    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        DirectJSONOutbox.offer(.ok(.init(body: .json(.init(status: "ok")))), placeholder: .undocumented(statusCode: 200, .init()))
    }

    func getReadiness(_ input: Operations.GetReadiness.Input) async throws -> Operations.GetReadiness.Output {
        // Ready when the database answers; else 503.
        guard await services.server.isReady() else { throw APIError.serviceUnavailable }
        return DirectJSONOutbox.offer(.ok(.init(body: .json(.init(status: "ok")))), placeholder: .undocumented(statusCode: 200, .init()))
    }

    func getMetrics(_ input: Operations.GetMetrics.Input) async throws -> Operations.GetMetrics.Output {
        .ok(.init(body: .plainText(HTTPBody(services.server.metricsExposition()))))
    }
}
