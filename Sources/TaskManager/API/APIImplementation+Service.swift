import TaskManagerAPI

extension APIImplementation {
    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        .ok(.init(body: .json(.init(status: "ok"))))
    }

    func getReadiness(_ input: Operations.GetReadiness.Input) async throws -> Operations.GetReadiness.Output {
        guard await database.ping() else { throw APIError.serviceUnavailable }
        return .ok(.init(body: .json(.init(status: "ok"))))
    }
}
