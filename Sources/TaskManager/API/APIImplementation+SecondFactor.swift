import Foundation
import TaskManagerAPI

/// `/me/mfa` and the admin's reset: the second factor's life cycle (its check at sign-in is
/// `LoginService`'s).
extension APIImplementation {
    func startTOTP(_ input: Operations.StartTOTP.Input) async throws -> Operations.StartTOTP.Output {
        let enrolment = try await secondFactor.enrol(user: try Principal.required().user)
        return .created(
            .init(
                headers: .init(cacheControl: .noStore),
                body: .json(.init(secret: enrolment.secret, otpauthUri: enrolment.uri))))
    }

    func confirmTOTP(_ input: Operations.ConfirmTOTP.Input) async throws -> Operations.ConfirmTOTP.Output {
        let principal = try Principal.required()
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType }
        try rejectNulls(["code"])
        let codes = try await secondFactor.confirm(user: principal.user, code: body.code)
        return .ok(.init(headers: .init(cacheControl: .noStore), body: .json(.init(recoveryCodes: codes))))
    }

    func disableMFA(_ input: Operations.DisableMFA.Input) async throws -> Operations.DisableMFA.Output {
        let principal = try Principal.required()
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType }
        try rejectNulls(["password", "code"])
        try await secondFactor.disable(user: principal.user, password: body.password, code: body.code, hasher: login.hasher)
        return .noContent(.init())
    }

    func resetUserMFA(_ input: Operations.ResetUserMFA.Input) async throws -> Operations.ResetUserMFA.Output {
        guard let id = canonicalID(input.path.id), try await users.find(id: id) != nil else {
            throw APIError.notFound(AccountService.userNotFound)
        }
        try await secondFactor.reset(userID: id)
        return .noContent(.init())
    }
}
