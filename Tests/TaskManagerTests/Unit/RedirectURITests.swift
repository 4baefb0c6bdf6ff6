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
        #expect(clients.map(\.id) == ["swagger-ui", "taskmanager-web", "taskmanager-cli"])
        #expect(clients[0].redirectURIs == ["https://tasks.example.com/docs/oauth2-redirect"])
        #expect(clients[1].redirectURIs == ["https://tasks.example.com/app/callback"])
        // tm signs in with the device grant only: nothing to redirect to, so /authorize refuses it.
        #expect(clients[2].redirectURIs.isEmpty && clients[2].usesDeviceGrant && !clients[2].scopes.contains(.admin))
        #expect(!clients[0].usesDeviceGrant && !clients[1].usesDeviceGrant)
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
        #expect(Components.Schemas.ScopeName.allCases.map(\.rawValue) == Scope.api.map(\.rawValue))
    }
}
