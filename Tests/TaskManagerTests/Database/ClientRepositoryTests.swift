import Foundation
import TaskManagerAPI
import Testing

@testable import TaskManager

@Suite struct ClientRepositoryTests {
    @Test(arguments: TestEngine.available)
    func storesFindsListsAndDeletesEndingTheClientsSessions(_ engine: TestEngine) async throws {
        try await engine.withDatabase { database in
            let service = ClientService(clients: ClientRepository(database: database))
            let (first, noSecret) = try await service.register(
                .init(name: "Planner <b>", redirectURIs: ["https://planner.example.com/cb", "http://127.0.0.1/cb"]),
                now: Microseconds.date(1_000_000))
            #expect(noSecret == nil)
            #expect(first.scopes == OAuthClient.defaultScopes)
            let (second, secret) = try await service.register(
                .init(name: "Sync", redirectURIs: ["https://sync.example.com/cb"], confidential: true, scopes: [.tasksRead]),
                now: Microseconds.date(2_000_000))
            let plain = try #require(secret)
            #expect(plain.count == 43)
            #expect(second.secretHash == OpaqueToken.hash(plain))
            #expect(try await service.list() == [first, second])
            #expect(try await ClientRepository(database: database).find(id: second.id) == second)

            // Sessions of the first client, of the second and of the password grant: only the first's end.
            let users = UserRepository(database: database)
            let sessions = SessionRepository(database: database)
            let user = makeUser("alice")
            try await users.create(user)
            let now = Microseconds.now()
            func session(_ client: String?) -> LoginSession {
                LoginSession(
                    id: UUID().uuidString.lowercased(), userID: user.id, scopes: [.me], createdAt: now, lastUsedAt: now,
                    expiresAt: now.addingTimeInterval(3600), clientID: client)
            }
            let (ofFirst, ofSecond, ofPassword) = (session(first.id), session(second.id), session(nil))
            for item in [ofFirst, ofSecond, ofPassword] { try await sessions.create(item, refreshTokenHash: item.id) }
            // Cached as a request would have it: the delete must evict it on this process.
            #expect(try await sessions.findForToken(sessionID: ofFirst.id)?.session.revokedAt == nil)

            try await service.delete(id: first.id, now: now)
            #expect(try await sessions.findForToken(sessionID: ofFirst.id)?.session.revokedAt != nil)
            #expect(try await sessions.findWithUser(sessionID: ofSecond.id)?.session.revokedAt == nil)
            #expect(try await sessions.findWithUser(sessionID: ofPassword.id)?.session.clientID == nil)
            #expect(try await sessions.findWithUser(sessionID: ofSecond.id)?.session.clientID == second.id)
            #expect(try await service.list() == [second])

            await #expect(throws: APIError.notFound(ClientService.notFound)) { try await service.delete(id: first.id, now: now) }
            await #expect(throws: APIError.notFound(ClientService.notFound)) { try await service.delete(id: "x\u{0}", now: now) }
            await #expect(throws: APIError.conflict(ClientService.builtInRefused)) {
                try await service.delete(id: OAuthClient.swaggerUI, now: now)
            }
        }
    }

    @Test func everyProblemOfARegistrationIsReportedAtOnce() async throws {
        try await TestEngine.sqliteMemory.withDatabase { database in
            let service = ClientService(clients: ClientRepository(database: database))
            do {
                _ = try await service.register(.init(name: " ", redirectURIs: ["http://evil.example.com/cb"], scopes: []))
                Issue.record("registered")
            } catch let invalid as InvalidFields {
                #expect(invalid.problems.map(\.field) == ["client_name", "redirect_uris", "scopes"])
            }
            await #expect(throws: InvalidFields.self) {
                try await service.register(.init(name: "A\u{0}", redirectURIs: ["https://a.example/cb"]))
            }
            await #expect(throws: InvalidFields.self) {
                try await service.register(.init(name: "A", redirectURIs: ["https://a.example/cb", "https://a.example/cb"]))
            }
            await #expect(throws: InvalidFields.self) {
                try await service.register(.init(name: "A", redirectURIs: (0...10).map { "https://a.example/\($0)" }))
            }
            #expect(try await service.list().isEmpty)
        }
    }
}
