import AsyncHTTPClient
import Foundation
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime

/// The generated `Client` for one server, with `AuthenticationMiddleware` in front: every operation
/// of the document as a typed method, the bearer token added and kept fresh.
///
/// ```swift
/// let server = TaskManagerConnection(serverURL: URL(string: "https://tasks.example.com")!, store: store)
/// try await server.signIn(username: "alice", password: password)
/// let page = try await server.client.listTasks(query: .init(done: false)).ok.body.json
/// ```
public struct TaskManagerConnection: Sendable {
    public let client: Client
    public let authentication: AuthenticationMiddleware

    /// - Parameters:
    ///   - clientID: the OAuth client the session is made through, when not the password grant's.
    ///   - middlewares: the app's own, in front of the authentication (they see its final answers).
    public init(
        serverURL: URL, store: any RefreshTokenStore, clientID: String? = nil, httpClient: HTTPClient = .shared,
        middlewares: [any ClientMiddleware] = []
    ) {
        let transport = AsyncHTTPClientTransport(configuration: .init(client: httpClient))
        authentication = AuthenticationMiddleware(store: store, transport: transport, clientID: clientID)
        // The server writes times to the millisecond (`2026-11-29T10:15:00.000Z`).
        client = Client(
            serverURL: serverURL, configuration: Configuration(dateTranscoder: .iso8601WithFractionalSeconds), transport: transport,
            middlewares: middlewares + [authentication])
    }

    /// The password grant, for first-party scripts (apps in a terminal sign in with the device flow).
    /// Returns the ID token when `scope` asks for `openid` (then `client.getUserInfo()` says who
    /// signed in). Throws the server's refusal as `SignInRefused` with its `detail`.
    @discardableResult
    public func signIn(username: String, password: String, scope: String? = nil) async throws -> String? {
        let output = try await client.createToken(
            body: .urlEncodedForm(.init(grantType: "password", username: username, password: password, scope: scope)))
        guard case .ok(let ok) = output, case .json(let tokens) = ok.body else {
            throw SignInRefused(output: output)
        }
        try await authentication.signedIn(accessToken: tokens.accessToken, expiresIn: tokens.expiresIn, refreshToken: tokens.refreshToken)
        return tokens.idToken
    }
}

/// The token endpoint refused a sign-in; `output` is its typed answer.
public struct SignInRefused: Error, Sendable {
    public let output: Operations.CreateToken.Output
}

extension HTTPClient {
    /// For a command-line program: a refused connection fails at once (the shared client keeps
    /// trying to connect until the request's deadline, a minute), and connecting waits 10 s at most.
    public static let failingFast: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()
}
