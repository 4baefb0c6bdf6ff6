import Foundation
import TaskManagerAPI

extension APIImplementation {
    func getMe(_ input: Operations.GetMe.Input) async throws -> Operations.GetMe.Output {
        let principal = try Principal.required()
        return .ok(.init(headers: .init(cacheControl: .noStore), body: .json(.init(principal.user))))
    }

    func updateMe(_ input: Operations.UpdateMe.Input) async throws -> Operations.UpdateMe.Output {
        let principal = try Principal.required()
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType }
        let nulls = ExplicitNulls.keys
        let change = UserProfileChange(
            email: body.email.map(Optional.some) ?? (nulls.contains("email") ? .some(nil) : nil),
            fullName: body.fullName.map(Optional.some) ?? (nulls.contains("full_name") ? .some(nil) : nil))
        let user = try await accounts.updateProfile(userID: principal.user.id, change)
        return .ok(.init(headers: .init(cacheControl: .noStore), body: .json(.init(user))))
    }
}
