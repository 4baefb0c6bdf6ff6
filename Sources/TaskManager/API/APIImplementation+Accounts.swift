import Foundation
import TaskManagerAPI

extension APIImplementation {
    func createUser(_ input: Operations.CreateUser.Input) async throws -> Operations.CreateUser.Output {
        try services.accounts.requireRegistrationAllowed { try Principal.required() }
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType }
        let user = try await services.accounts.register(
            .init(username: body.username, password: body.password, email: body.email, fullName: body.fullName))
        return .created(.init(headers: .init(cacheControl: .noStore), body: .json(.init(user))))
    }
}
