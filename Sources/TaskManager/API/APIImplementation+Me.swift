import Foundation
import TaskManagerAPI

extension APIImplementation {
    func getMe(_ input: Operations.GetMe.Input) async throws -> Operations.GetMe.Output {
        let principal = try Principal.required()
        return DirectJSONOutbox.offer(
            .ok(.init(headers: .init(cacheControl: .noStore), body: .json(.init(principal.user)))), placeholder: .undocumented(statusCode: 200, .init()))
    }

    func updateMe(_ input: Operations.UpdateMe.Input) async throws -> Operations.UpdateMe.Output {
        let principal = try Principal.required()
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType }
        let nulls = ExplicitNulls.keys
        let change = UserProfileChange(
            email: body.email.map(Optional.some) ?? (nulls.contains("email") ? .some(nil) : nil),
            fullName: body.fullName.map(Optional.some) ?? (nulls.contains("full_name") ? .some(nil) : nil))
        let user = try await services.accounts.updateProfile(userID: principal.user.id, change)
        return DirectJSONOutbox.offer(.ok(.init(headers: .init(cacheControl: .noStore), body: .json(.init(user)))), placeholder: .undocumented(statusCode: 200, .init()))
    }
}

extension APIImplementation {
    func deleteMe(_ input: Operations.DeleteMe.Input) async throws -> Operations.DeleteMe.Output {
        try await services.accounts.delete(userID: try Principal.required().user.id)
        return .noContent(.init())
    }

    func changePassword(_ input: Operations.ChangePassword.Input) async throws -> Operations.ChangePassword.Output {
        let principal = try Principal.required()
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType }
        try await services.accounts.changePassword(
            for: principal, current: body.currentPassword, new: body.newPassword)
        return .noContent(.init())
    }

    func listSessions(_ input: Operations.ListSessions.Input) async throws -> Operations.ListSessions.Output {
        let principal = try Principal.required()
        let live = try await services.sessions.live(of: principal)
        let items = live.map { listed in
            let session = listed.session
            return Components.Schemas.Session(
                id: session.id, kind: session.kind == .browser ? .browser : .token, clientId: .init(session.clientID),
                clientName: .init(listed.clientName), resource: session.kind == .token ? .init(session.resource.rawValue) : .init(nil),
                createdAt: session.createdAt, lastUsedAt: session.lastUsedAt, userAgent: .init(session.userAgent),
                current: session.id == principal.sessionID)
        }
        return .ok(.init(headers: .init(cacheControl: .noStore), body: .json(.init(items: items))))
    }

    func listConsents(_ input: Operations.ListConsents.Input) async throws -> Operations.ListConsents.Output {
        let items = try await services.consents.list(of: try Principal.required()).map { listed in
            Components.Schemas.Consent(
                clientId: listed.consent.clientID, clientName: listed.clientName, scopes: listed.consent.scopes.map(\.rawValue),
                createdAt: listed.consent.createdAt)
        }
        return .ok(.init(headers: .init(cacheControl: .noStore), body: .json(.init(items: items))))
    }

    func deleteConsent(_ input: Operations.DeleteConsent.Input) async throws -> Operations.DeleteConsent.Output {
        try await services.consents.forget(clientID: input.path.clientId, of: try Principal.required())
        return .noContent(.init())
    }

    func deleteOtherSessions(_ input: Operations.DeleteOtherSessions.Input) async throws
        -> Operations.DeleteOtherSessions.Output
    {
        let principal = try Principal.required()
        try await services.sessions.endOthers(of: principal)
        return .noContent(.init())
    }

    func deleteSession(_ input: Operations.DeleteSession.Input) async throws -> Operations.DeleteSession.Output {
        let principal = try Principal.required()
        try await services.sessions.end(input.path.id, of: principal)
        return .noContent(.init())
    }

    // The second factor's life cycle (its check at sign-in is `LoginService`'s).

    func startTOTP(_ input: Operations.StartTOTP.Input) async throws -> Operations.StartTOTP.Output {
        let enrolment = try await services.secondFactor.enrol(user: try Principal.required().user)
        return .created(
            .init(
                headers: .init(cacheControl: .noStore),
                body: .json(.init(secret: enrolment.secret, otpauthUri: enrolment.uri))))
    }

    func confirmTOTP(_ input: Operations.ConfirmTOTP.Input) async throws -> Operations.ConfirmTOTP.Output {
        let principal = try Principal.required()
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType }
        let codes = try await services.secondFactor.confirm(user: principal.user, code: body.code)
        return .ok(.init(headers: .init(cacheControl: .noStore), body: .json(.init(recoveryCodes: codes))))
    }

    func disableMFA(_ input: Operations.DisableMFA.Input) async throws -> Operations.DisableMFA.Output {
        let principal = try Principal.required()
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType }
        try await services.secondFactor.disable(user: principal.user, password: body.password, code: body.code)
        return .noContent(.init())
    }
}

extension APIImplementation {
    /// OpenID Connect UserInfo (Core §5.3): the claims the token's scopes allow.
    func getUserInfo(_ input: Operations.GetUserInfo.Input) async throws -> Operations.GetUserInfo.Output {
        .ok(.init(headers: .init(cacheControl: .noStore), body: .json(try Self.userInfo(Principal.required()))))
    }

    func postUserInfo(_ input: Operations.PostUserInfo.Input) async throws -> Operations.PostUserInfo.Output {
        .ok(.init(headers: .init(cacheControl: .noStore), body: .json(try Self.userInfo(Principal.required()))))
    }

    private static func userInfo(_ principal: Principal) -> Components.Schemas.UserInfo {
        let user = principal.user
        var info = Components.Schemas.UserInfo(sub: user.id)
        if principal.scopes.contains(.profile) {
            info.preferredUsername = user.username
            info.name = user.fullName
            info.updatedAt = Int((user.profileUpdatedAt ?? user.createdAt).timeIntervalSince1970)
        }
        if principal.scopes.contains(.email), let email = user.email {
            info.email = email
            info.emailVerified = false
        }
        return info
    }
}
