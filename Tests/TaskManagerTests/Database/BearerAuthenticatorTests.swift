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

    private actor Calls {
        var seen: [String?] = []
        func add(_ user: String?) { seen.append(user) }
    }
}
