/// Where the app keeps the refresh token between runs: a file of mode 0600, the keychain, or memory.
/// `AuthenticationMiddleware` hands it every rotated token (and `nil` once the server refuses it), so
/// the store always holds the one the server will accept next.
public protocol RefreshTokenStore: Sendable {
    func load() async throws -> String?
    func save(_ refreshToken: String?) async throws
}

/// A store that forgets when the process ends: for scripts and tests.
public actor InMemoryRefreshTokenStore: RefreshTokenStore {
    private var token: String?
    /// How many times a token was saved: one per sign-in and per refresh.
    public private(set) var saves = 0

    public init(_ token: String? = nil) { self.token = token }

    public func load() -> String? { token }

    public func save(_ refreshToken: String?) {
        token = refreshToken
        saves += 1
    }
}
