import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

@testable import TaskManager

/// Settings for tests: an in-memory database, bcrypt cost 4 (never the default's 12), quiet logs.
func testConfiguration(_ adjust: (inout ServerSettings) -> Void = { _ in }) -> ServerSettings {
    var config = ServerSettings()
    config.databaseURL = .sqliteMemory
    config.bcryptCost = 4
    config.connectionPool = TestPostgres.pool
    config.port = 0
    config.logLevel = .critical
    // A P-256 key is made at once; an RSA key (the default) takes a while, at every test app's start.
    config.signingAlgorithm = .es256
    // Not the developer's fetched docs files: a test that wants them names its own folder.
    config.docsAssetsDefault = nil
    adjust(&config)
    return config
}

/// A client of the application under test, through the router (no network).
struct RouterClient: Sendable {
    let client: any TestClientProtocol
    /// The engine under the app, when the test left the choice to `withTestApp`.
    var engine: TestEngine? = nil

    func send(
        _ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: String? = nil, form: String? = nil,
        headers: HTTPFields = [:]
    ) async throws -> Reply {
        var fields = headers
        if let token { fields[.authorization] = "Bearer \(token)" }
        var body: ByteBuffer?
        if let json {
            if fields[.contentType] == nil { fields[.contentType] = "application/json" }
            body = ByteBuffer(string: json)
        }
        if let form {
            if fields[.contentType] == nil { fields[.contentType] = "application/x-www-form-urlencoded" }
            body = ByteBuffer(string: form)
        }
        return try await client.execute(uri: uri, method: method, headers: fields, body: body) { response in
            Reply(status: Int(response.status.code), headers: response.headers, body: String(buffer: response.body))
        }
    }

    /// Registers `username` with `password` and returns the new user's id.
    @discardableResult
    func register(_ username: String, password: String = "correct horse battery", email: String? = nil) async throws
        -> String
    {
        let reply = try await send(
            .post, "/users", json: jsonBody(["username": username, "password": password, "email": email]))
        try #require(reply.status == 201, "registration failed: \(reply.body)")
        return try #require(reply.string("id"))
    }

    func login(_ username: String, password: String = "correct horse battery", scope: String? = nil) async throws
        -> String
    {
        var fields = [("username", username), ("password", password)]
        if let scope { fields.append(("scope", scope)) }
        let reply = try await send(.post, "/token", form: formBody(fields))
        try #require(reply.status == 200, "login failed: \(reply.body)")
        return try #require(reply.string("access_token"))
    }

    /// Logs in and returns the whole token response.
    func loginReply(_ username: String, password: String = "correct horse battery", scope: String? = nil) async throws -> Reply {
        var fields = [("username", username), ("password", password)]
        if let scope { fields.append(("scope", scope)) }
        return try await send(.post, "/token", form: formBody(fields))
    }

    func refresh(_ refreshToken: String, scope: String? = nil) async throws -> Reply {
        var fields = [("grant_type", "refresh_token"), ("refresh_token", refreshToken)]
        if let scope { fields.append(("scope", scope)) }
        return try await send(.post, "/token", form: formBody(fields))
    }

    func createTask(_ token: String, _ fields: [String: Any?]) async throws -> Reply {
        try await send(.post, "/tasks", token: token, json: jsonBody(fields))
    }
}

/// A clock the tests move by hand: expiry and lock windows without sleeping.
final class ManualClock: Sendable {
    private let current = Mutex(Microseconds.now())
    var now: Date { current.withLock { $0 } }
    func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
    var appClock: AppClock { AppClock { [self] in now } }
}

/// Runs `body` against a fresh application on a fresh in-memory SQLite database, and again on a
/// fresh PostgreSQL database when the tests have a server. A test that names its own database
/// runs once, on that one.
func withTestApp(
    _ configure: (inout ServerSettings) -> Void = { _ in }, clock: ManualClock? = nil,
    _ body: @Sendable (RouterClient) async throws -> Void
) async throws {
    let config = testConfiguration(configure)
    let engines: [TestEngine] = config.databaseURL == .sqliteMemory ? [.sqliteMemory] + TestEngine.shared.filter { $0 == .postgres } : []
    if engines.isEmpty {
        let app = try await buildApplication(config, clock: clock?.appClock ?? .system)
        try await app.test(.router) { client in try await body(RouterClient(client: client)) }
        return
    }
    for engine in engines {
        try await engine.withEmptyDatabase { url in
            var engineConfig = config
            engineConfig.databaseURL = url
            let app = try await buildApplication(engineConfig, clock: clock?.appClock ?? .system)
            do {
                try await app.test(.router) { client in try await body(RouterClient(client: client, engine: engine)) }
            } catch {
                throw EngineFailure(engine: engine, error: error)
            }
        }
    }
}

/// Which engine a router test failed on.
struct EngineFailure: Error, CustomStringConvertible {
    var engine: TestEngine
    var error: any Error
    var description: String { "on \(engine.rawValue): \(error)" }
}

/// An app on a file whose first account, `root`, is an admin made by the command line; `body`
/// gets root's token.
func withAdminApp(_ body: @Sendable @escaping (RouterClient, String) async throws -> Void) async throws {
    try await withSeededDatabase(admin: "root") { url in
        try await withTestApp({ $0.databaseURL = url }) { api in
            try await body(api, try await api.login("root"))
        }
    }
}
