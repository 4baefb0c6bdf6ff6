import Foundation

/// Who is making the current request: set by `BearerAuthenticator` for the handler it calls.
struct Principal: Sendable, Equatable {
    var user: User
    var sessionID: String
    var scopes: [Scope]
    /// The user's default list, read with the session: it never changes hands (it cannot be given
    /// away or deleted), so a new task goes there without another lookup.
    var homeListID: String
    /// When the access token expires: an event stream ends then.
    var tokenExpiresAt: Date = .distantFuture

    @TaskLocal static var current: Principal?
    /// Why the token of an operation that may go without one was refused.
    @TaskLocal static var failure: APIError?

    /// The principal of an operation that requires a token (the authenticator guarantees it), or
    /// of one that may go without, which decides here that this request needs one.
    static func required() throws -> Principal {
        guard let current else { throw failure ?? APIError.notAuthenticated }
        return current
    }
}
