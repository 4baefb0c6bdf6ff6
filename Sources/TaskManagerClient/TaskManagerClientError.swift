/// What the client itself refuses, beside the operations' own typed answers.
public enum TaskManagerClientError: Error, Equatable, Sendable {
    /// There is no refresh token, or the server no longer honours it (revoked, expired, used twice,
    /// the account disabled): sign in again.
    case signedOut
    /// The token endpoint answered what a refresh never should.
    case unexpectedTokenAnswer(status: Int)
}
