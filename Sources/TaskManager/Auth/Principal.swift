/// Who is making the current request: set by `BearerAuthenticator` for the handler it calls.
struct Principal: Sendable, Equatable {
    var user: User
    var sessionID: String
    var scopes: [Scope]

    @TaskLocal static var current: Principal?

    /// The principal of an operation that requires a token. The authenticator guarantees it.
    static func required() throws -> Principal {
        guard let current else { throw APIError.notAuthenticated }
        return current
    }
}
