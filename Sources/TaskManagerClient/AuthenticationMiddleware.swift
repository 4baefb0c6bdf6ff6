import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Adds `Authorization: Bearer <access token>` to every operation that takes one, and keeps that
/// token fresh: refreshed at the token endpoint (RFC 6749 §6) a few seconds before it expires, or
/// after a 401, and the request sent again once. However many calls need a new token at once, one
/// refresh runs and they all wait for it; each rotated refresh token goes to the app's store. When
/// the server refuses the refresh token, calls throw `TaskManagerClientError.signedOut`.
public final class AuthenticationMiddleware: ClientMiddleware {
    private let keeper: TokenKeeper
    /// What the refresh is sent through: the client's own transport.
    private let transport: any ClientTransport
    /// The OAuth client the session was made through (the device flow's `taskmanager-cli`): such a
    /// session is refreshed only by naming it. `nil` for a password-grant session.
    private let clientID: String?

    public init(store: any RefreshTokenStore, transport: any ClientTransport, clientID: String? = nil) {
        keeper = TokenKeeper(store: store)
        self.transport = transport
        self.clientID = clientID
    }

    /// Takes the answer of a sign-in (any grant) as the current tokens.
    public func signedIn(accessToken: String, expiresIn: Int, refreshToken: String) async throws {
        try await keeper.install(TokenKeeper.Tokens(accessToken: accessToken, expiresIn: expiresIn, refreshToken: refreshToken))
    }

    /// Forgets the tokens, in memory and in the store.
    public func signedOut() async throws {
        try await keeper.forget()
    }

    /// Refreshes made since this middleware began: one per expiry, however many calls waited.
    public var refreshCount: Int {
        get async { await keeper.refreshes }
    }

    /// The operations that take no token (or, for the token endpoint, authenticate otherwise).
    static let withoutToken: Set<String> = [
        Operations.CreateToken.id, Operations.RevokeToken.id, Operations.AuthorizeDevice.id, Operations.GetHealth.id,
        Operations.GetReadiness.id, Operations.GetMetrics.id, Operations.GetServerMetadata.id, Operations.GetJSONWebKeySet.id,
    ]

    /// The operations open to anyone that a signed-in caller may still send a token to: registering
    /// an account is an admin's when the server runs without open registration.
    static let tokenIfSignedIn: Set<String> = [Operations.CreateUser.id]

    public func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard !Self.withoutToken.contains(operationID) else { return try await next(request, body, baseURL) }
        let (transport, clientID) = (transport, clientID)
        let refresh: @Sendable (String) async throws -> TokenKeeper.Tokens = { refreshToken in
            try await Self.refresh(refreshToken, clientID: clientID, baseURL: baseURL, transport: transport)
        }
        let token: String
        if Self.tokenIfSignedIn.contains(operationID) {
            // Signed out (or refused at the refresh): the operation goes without a token.
            guard let held = try? await keeper.tokenIfSignedIn(refresh: refresh) else { return try await next(request, body, baseURL) }
            token = held
        } else {
            token = try await keeper.token(refusing: nil, refresh: refresh)
        }
        var authorized = request
        authorized.headerFields[.authorization] = "Bearer \(token)"
        let (response, responseBody) = try await next(authorized, body, baseURL)
        guard response.status == .unauthorized else { return (response, responseBody) }
        // Revoked, or expired in flight: one new token, and the request once more.
        if let responseBody { _ = try? await Data(collecting: responseBody, upTo: 64 * 1024) }
        let fresh = try await keeper.token(refusing: token, refresh: refresh)
        authorized.headerFields[.authorization] = "Bearer \(fresh)"
        return try await next(authorized, body, baseURL)
    }

    /// `grant_type=refresh_token` at the token endpoint, through the same transport.
    private static func refresh(_ refreshToken: String, clientID: String?, baseURL: URL, transport: any ClientTransport) async throws
        -> TokenKeeper.Tokens
    {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encode = { (value: String) in value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }
        var form = "grant_type=refresh_token&refresh_token=" + encode(refreshToken)
        if let clientID { form += "&client_id=" + encode(clientID) }
        let request = HTTPRequest(
            method: .post, scheme: nil, authority: nil, path: "/token",
            headerFields: [.contentType: "application/x-www-form-urlencoded", .accept: "application/json"])
        let (response, body) = try await transport.send(request, body: HTTPBody(form), baseURL: baseURL, operationID: Operations.CreateToken.id)
        var data = Data()
        if let body { data = try await Data(collecting: body, upTo: 1024 * 1024) }
        switch response.status.code {
        case 200:
            let answer = try JSONDecoder().decode(Components.Schemas.TokenResponse.self, from: data)
            return TokenKeeper.Tokens(accessToken: answer.accessToken, expiresIn: answer.expiresIn, refreshToken: answer.refreshToken)
        case 400, 401:
            // invalid_grant (revoked, expired, reused) or the client refused: the session is over.
            throw TaskManagerClientError.signedOut
        default:
            throw TaskManagerClientError.unexpectedTokenAnswer(status: response.status.code)
        }
    }
}

/// The access token in memory and the one refresh that may be running.
actor TokenKeeper {
    struct Tokens: Sendable {
        var accessToken: String
        var expiresIn: Int
        var refreshToken: String
    }

    private let store: any RefreshTokenStore
    private var accessToken: String?
    private var expiresAt: ContinuousClock.Instant = .now
    private var running: Task<String, any Error>?
    private(set) var refreshes = 0

    init(store: any RefreshTokenStore) {
        self.store = store
    }

    func install(_ tokens: Tokens) async throws {
        accessToken = tokens.accessToken
        // Renewed a little early: a token must not expire on its way to the server.
        expiresAt = .now + .seconds(max(tokens.expiresIn - Self.margin(tokens.expiresIn), 0))
        try await store.save(tokens.refreshToken)
    }

    func forget() async throws {
        accessToken = nil
        try await store.save(nil)
    }

    /// A token to send: the current one while it is fresh and not the one the server just refused;
    /// else the result of the refresh under way, or of a new one.
    func token(refusing refused: String?, refresh: @escaping @Sendable (String) async throws -> Tokens) async throws -> String {
        if let accessToken, accessToken != refused, ContinuousClock.now < expiresAt { return accessToken }
        if let running { return try await running.value }
        let task = Task { () throws -> String in
            guard let refreshToken = try await self.store.load() else { throw TaskManagerClientError.signedOut }
            do {
                let tokens = try await refresh(refreshToken)
                try await self.install(tokens)
                return tokens.accessToken
            } catch TaskManagerClientError.signedOut {
                try await self.forget()
                throw TaskManagerClientError.signedOut
            }
        }
        running = task
        refreshes += 1
        defer { running = nil }
        return try await task.value
    }

    /// `token(refusing: nil, …)` when there is a session to take it from; `nil`, without a
    /// refresh, when there is none.
    func tokenIfSignedIn(refresh: @escaping @Sendable (String) async throws -> Tokens) async throws -> String? {
        if accessToken == nil, running == nil, try await store.load() == nil { return nil }
        return try await token(refusing: nil, refresh: refresh)
    }

    /// Seconds before expiry at which a token is renewed: 5 of a long lifetime, a fifth of a short one.
    private static func margin(_ lifetime: Int) -> Int { min(5, lifetime / 5) }
}
