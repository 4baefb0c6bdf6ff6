import Foundation
import TaskManagerAPI
import Testing

@testable import TaskManager

/// The rules of registered clients: which redirect URIs may be registered, and which requested
/// URI matches a registered one (the near misses of the issue are never a match).
@Suite struct RedirectURITests {
    @Test(arguments: [
        "https://app.example.com/callback", "https://app.example.com:8443/cb?x=1", "http://127.0.0.1/cb",
        "http://127.0.0.1:8080/cb", "http://[::1]:9000/cb", "http://localhost:3000/cb",
    ])
    func accepts(_ uri: String) {
        #expect(RedirectURI.problem(uri) == nil)
    }

    @Test(arguments: [
        "", "/callback", "app.example.com/cb", "http://app.example.com/cb", "https://app.example.com/cb#top",
        "https://user:pw@app.example.com/cb", "https:///cb", "https://app.example.com/a b", "https://app.example.com/\u{0}",
        "https://app.example.com/é", "ftp://app.example.com/cb", "javascript:alert(1)", "http://127.0.0.1.evil.com/cb",
        "https://app.example.com/" + String(repeating: "a", count: 2_000),
    ])
    func refuses(_ uri: String) {
        #expect(RedirectURI.problem(uri) != nil, "\(uri)")
    }

    static let app = OAuthClient(
        id: UUID().uuidString.lowercased(), name: "App",
        redirectURIs: ["https://app.example.com/cb", "http://127.0.0.1:8000/cb", "http://[::1]/native", "http://localhost:3000/cb"],
        confidential: false, secretHash: nil, scopes: OAuthClient.defaultScopes, createdAt: Date())

    @Test(arguments: [
        "https://app.example.com/cb", "http://127.0.0.1:8000/cb", "http://127.0.0.1:51234/cb", "http://127.0.0.1/cb",
        "http://[::1]:6000/native", "http://[::1]/native", "http://localhost:3000/cb",
    ])
    func matches(_ uri: String) {
        #expect(Self.app.allowsRedirect(to: uri))
    }

    @Test(arguments: [
        "https://app.example.com/cb/", "https://app.example.com:444/cb", "https://APP.example.com/cb", "https://app.example.com/CB",
        "https://app.example.com/cb?x=1", "https://app.example.com/cb#f", "http://app.example.com/cb", "https://app.example.com",
        "http://127.0.0.1:8000/cb/", "http://127.0.0.1:9/other", "http://127.0.0.1:123456/cb", "http://127.0.0.1:/cb",
        "http://127.0.0.1:80x/cb", "http://127.0.0.1.evil.com/cb", "http://127.0.0.1@evil.com/cb", "https://127.0.0.1:8000/cb",
        "http://localhost:3001/cb", "http://localhost/cb", "http://[::1]:6000/native/",
    ])
    func nearMissesDoNotMatch(_ uri: String) {
        #expect(!Self.app.allowsRedirect(to: uri), "\(uri)")
    }

    @Test func theBuiltInClientsFollowThePublicURL() {
        let clients = OAuthClient.builtIns(publicURL: "https://tasks.example.com")
        #expect(clients.map(\.id) == ["swagger-ui", "taskmanager-web"])
        #expect(clients[0].redirectURIs == ["https://tasks.example.com/docs/oauth2-redirect"])
        #expect(clients[1].redirectURIs == ["https://tasks.example.com/app/callback"])
        #expect(clients.allSatisfy { !$0.confidential && $0.isBuiltIn })
        #expect(!clients[1].scopes.contains(.admin))
    }

    @Test func thePublicURLSetting() throws {
        var config = ServerSettings()
        config.host = "0.0.0.0"
        config.port = 9000
        #expect(config.publicURL == "http://0.0.0.0:9000")
        config.host = "::1"
        #expect(config.publicURL == "http://[::1]:9000")
        let set = try ServerOptions.parse(["--public-url", "https://tasks.example.com/"]).settings(environment: [:])
        #expect(set.publicURL == "https://tasks.example.com")
        let fromEnvironment = try ServerOptions.parse([]).settings(environment: ["TASKMANAGER_PUBLIC_URL": "https://x.example/tm"])
        #expect(fromEnvironment.publicURL == "https://x.example/tm")
        for bad in ["tasks.example.com", "ftp://x.example", "https://x.example/?a=1", "https://x.example/#f", "https://", "https://a b.example"] {
            #expect(throws: ServerSettings.Invalid.self, "\(bad)") {
                try ServerOptions.parse(["--public-url", bad]).settings(environment: [:])
            }
        }
    }

    @Test func theDocumentsScopeNamesAreTheContractsScopes() {
        #expect(Components.Schemas.ScopeName.allCases.map(\.rawValue) == Scope.allCases.map(\.rawValue))
    }
}

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
