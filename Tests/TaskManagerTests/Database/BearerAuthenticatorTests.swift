import Foundation
import HTTPTypes
import Logging
import Testing

@testable import TaskManager

/// The authenticator itself, called as the generated server calls it.
@Suite struct BearerAuthenticatorTests {
    /// On an operation whose token is optional, a handler's own error is the answer: the handler
    /// runs once, not again as if the token had been refused.
    @Test func aValidOptionalTokenRunsTheHandlerOnceWhenItThrows() async throws {
        try await withDependencies(testConfiguration()) { dependencies in
            let api = APIImplementation(AppServices(dependencies))
            _ = try await api.services.accounts.register(.init(username: "alice", password: "correct horse battery"))
            let grant = try await api.services.login.passwordGrant(
                username: "alice", password: "correct horse battery", scope: nil, userAgent: nil, address: "a")
            let authenticator = BearerAuthenticator(
                operations: OpenAPIDocument.compiled.operations, tokens: dependencies.tokens,
                sessions: SessionRepository(database: dependencies.database), clock: dependencies.clock)
            let calls = Calls()
            var request = HTTPRequest(method: .post, scheme: nil, authority: nil, path: "/users")
            request.headerFields[.authorization] = "Bearer \(grant.accessToken)"
            await #expect(throws: APIError.conflict("Username already registered")) {
                _ = try await authenticator.intercept(request, body: nil, metadata: .init(), operationID: "createUser") { _, _, _ in
                    await calls.add(Principal.current?.user.username)
                    throw APIError.conflict("Username already registered")
                }
            }
            #expect(await calls.seen == ["alice"])
        }
    }

    /// No token names a browser sign-in session; a token that did (one signed by our own key, as
    /// only a leaked key could make) is refused by the authenticator and inactive at introspection.
    @Test func aBrowserSessionNeverStandsBehindAToken() async throws {
        try await withDependencies(testConfiguration()) { dependencies in
            let services = AppServices(dependencies)
            let alice = try await services.accounts.register(.init(username: "alice", password: "correct horse battery"))
            let browserSessions = BrowserSessionService(
                sessions: BrowserSessionRepository(database: dependencies.database),
                tokenSessions: SessionRepository(database: dependencies.database), idle: 3_600, maximum: 86_400, clock: dependencies.clock)
            let (_, opened) = try await browserSessions.open(user: alice, amr: [.password], userAgent: nil, replacing: nil)
            let token = try await dependencies.tokens.issueAccessToken(
                .init(userID: alice.id, sessionID: opened.session.id, scopes: [.me], amr: [.password], clientID: nil))
            let authenticator = BearerAuthenticator(
                operations: OpenAPIDocument.compiled.operations, tokens: dependencies.tokens,
                sessions: SessionRepository(database: dependencies.database), clock: dependencies.clock)
            await #expect(throws: APIError.invalidToken) { _ = try await authenticator.authenticate(authorization: "Bearer \(token)") }
            let confidential = try await services.clients.register(.init(name: "RS", redirectURIs: ["https://rs.example.com/cb"], confidential: true))
            let answer = try await services.introspection.introspect(
                token: token, hint: nil, credentials: ClientCredentials(id: confidential.client.id, secret: confidential.secret))
            #expect(answer == nil)
        }
    }

    private actor Calls {
        var seen: [String?] = []
        func add(_ user: String?) { seen.append(user) }
    }
}
