/// What the client itself refuses, beside the operations' own typed answers.
public enum TaskManagerClientError: Error, Equatable, Sendable {
    /// There is no refresh token, or the server no longer honours it (revoked, expired, used twice,
    /// the account disabled): sign in again.
    case signedOut
    /// The token endpoint answered what a refresh never should.
    case unexpectedTokenAnswer(status: Int)
    /// The server refused the event stream for good, so `events(after:)` ended: 403 when the token
    /// lacks `tasks:read`, or another answer that asking again would not change. `detail` is the
    /// server's when it gave one.
    case eventsRefused(status: Int, detail: String)
}
