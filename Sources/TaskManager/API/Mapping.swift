import Foundation
import OpenAPIRuntime
import TaskManagerAPI

extension Components.Schemas.User {
    init(_ user: User) {
        self.init(
            id: user.id, username: user.username, email: .init(user.email), fullName: .init(user.fullName),
            isActive: user.isActive, isAdmin: user.isAdmin, mfaEnabled: user.mfaEnabled, createdAt: user.createdAt)
    }
}

extension Components.Schemas.Task {
    init(_ task: TaskItem) {
        self.init(
            id: task.id, listId: task.listID, createdBy: .init(task.createdBy), title: task.title, description: task.description,
            done: task.done, priority: .init(task.priority), dueDate: .init(task.dueDate), createdAt: task.createdAt,
            updatedAt: task.updatedAt)
    }
}

extension Components.Schemas.Priority {
    init(_ priority: Priority) {
        switch priority {
        case .low: self = .low
        case .normal: self = .normal
        case .high: self = .high
        }
    }
}

extension Priority {
    init(_ priority: Components.Schemas.Priority) {
        switch priority {
        case .low: self = .low
        case .normal: self = .normal
        case .high: self = .high
        }
    }
}

// The generated types would omit a nil optional; these `oneOf [string, null]` schemas write `null`,
// as the contract's User, Task and page shapes require.
extension Components.Schemas.NullableString {
    init(_ value: String?) {
        self = value.map(Self.case1) ?? .case2(nil)
    }
}

extension Components.Schemas.NullableDate {
    init(_ value: String?) {
        self = value.map(Self.case1) ?? .case2(nil)
    }
}

extension Components.Schemas.Client {
    init(_ client: OAuthClient) {
        self.init(
            clientId: client.id, clientName: client.name, redirectUris: client.redirectURIs,
            postLogoutRedirectUris: client.postLogoutRedirectURIs, confidential: client.confidential, scopes: client.scopes.compactMap { Components.Schemas.ScopeName(rawValue: $0.rawValue) }, createdAt: client.createdAt)
    }
}

extension Scope {
    init(_ name: Components.Schemas.ScopeName) {
        self.init(rawValue: name.rawValue)!
    }
}
