import Foundation
import Testing

@testable import TaskManager

/// The authorization-code flow against the running binary with a real OAuth2 client library:
/// Python's authlib (Tests/oauth/authlib_flow.py) for a public and a confidential client, on each
/// shared engine. Skipped without authlib and requests for python3, except in CI (`CI` set).
@Suite struct OAuthClientLibraryTests {
    static let missing: String? = RunSummary.note(
        "authlib: an OAuth2 client library signing in, refreshing and revoking",
        missing: (try? Binary.runTool("python3", ["-c", "import authlib, requests"]))?.status == 0
            ? nil : "no authlib or requests for python3 (pip install authlib requests)")

    @Test(.enabled(if: missing == nil || RunSummary.inCI, "authlib test skipped: \(missing ?? "")"), arguments: TestEngine.shared)
    func authlibSignsInExchangesRefreshesAndRevokes(_ engine: TestEngine) async throws {
        if let missing = Self.missing { Issue.record("the authlib test cannot run in CI: \(missing)") }
        try await engine.withEmptyDatabase { url in
            let databaseURL = engine == .postgres ? TestPostgres.urlText(url) : "sqlite://" + (url.sqlitePath ?? "")
            let server = try await LiveServer.start(databaseURL: databaseURL)
            defer { server.stopInBackground() }
            let password = "correct horse battery"
            #expect(try await server.send(.POST, "/users", json: jsonBody(["username": "app-user", "password": password])).status == 201)
            let publicClient = try await Self.createClient(["Script", "--redirect-uri", "http://127.0.0.1/callback"], databaseURL)
            let confidential = try await Self.createClient(["Server", "--redirect-uri", "http://127.0.0.1/callback", "--confidential"], databaseURL)
            let script = packagePath("Tests/oauth/authlib_flow.py").path
            let result = try await Binary.runLongTool(
                "python3",
                [script, "http://127.0.0.1:\(server.port)", "app-user", password, publicClient.id, confidential.id, confidential.secret ?? ""])
            print(result.stdout, result.stderr)
            #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
            for line in [
                "public client: code exchanged", "public client: revoked", "public client: the code a second time -> invalid_grant",
                "confidential client: refreshed", "wrong secret: 401",
            ] {
                #expect(result.stdout.contains(line), "\(line)")
            }
            // What the library did is real: its tasks are the user's.
            let login = try await server.send(.POST, "/token", form: formBody([("username", "app-user"), ("password", password)]))
            let titles = try await server.send(.GET, "/tasks", token: login.string("access_token")).items.compactMap { $0["title"] as? String }
            #expect(Set(titles) == ["from public client", "from confidential client"])
        }
    }

    /// `taskmanager client create ARGUMENTS`: the new client's id and, when confidential, its secret.
    static func createClient(_ arguments: [String], _ databaseURL: String) async throws -> (id: String, secret: String?) {
        let result = try await Binary.run(["client", "create"] + arguments + ["--database-url", databaseURL])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        let id = lines.first { $0.hasPrefix("client_id: ") }.map { String($0.dropFirst(11)) } ?? ""
        let secret = lines.first { $0.hasPrefix("client_secret: ") }.map { String($0.dropFirst(15).prefix { $0 != " " }) }
        return (id, secret)
    }
}

/// OpenID Connect with authlib as the relying party (Tests/oidc/authlib_oidc.py): discovery, the
/// code flow with PKCE and a nonce, the ID token validated against the JWK Set, userinfo, a
/// refresh, introspection, single sign-on with prompt=none and RP-initiated logout; for each
/// signing algorithm, on each shared engine.
@Suite struct OpenIDConnectClientLibraryTests {
    @Test(
        .enabled(if: OAuthClientLibraryTests.missing == nil || RunSummary.inCI, "authlib test skipped: \(OAuthClientLibraryTests.missing ?? "")"),
        arguments: TestEngine.shared)
    func authlibSignsInWithOpenIDConnect(_ engine: TestEngine) async throws {
        if let missing = OAuthClientLibraryTests.missing { Issue.record("the authlib test cannot run in CI: \(missing)") }
        try await LiveServer.withEachSigningAlgorithm(on: engine) { server, algorithm, databaseURL in
                let password = "correct horse battery"
                #expect(try await server.send(.POST, "/users", json: jsonBody(["username": "oidc-user", "password": password, "email": "o@example.com"])).status == 201)
                let publicClient = try await OAuthClientLibraryTests.createClient(
                    ["App", "--redirect-uri", "http://127.0.0.1/callback", "--post-logout-redirect-uri", "http://127.0.0.1/signed-out"], databaseURL)
                let resource = try await OAuthClientLibraryTests.createClient(
                    ["Resource", "--redirect-uri", "https://rs.example.com/cb", "--confidential"], databaseURL)
                let result = try await Binary.runLongTool(
                    "python3",
                    [
                        packagePath("Tests/oidc/authlib_oidc.py").path, "http://127.0.0.1:\(server.port)", "oidc-user", password,
                        publicClient.id, resource.id, resource.secret ?? "",
                    ])
                #expect(result.status == 0, "\(algorithm): \(result.stdout)\n\(result.stderr)")
                for line in [
                    "discovery:", "ID token valid against the JWK Set (\(algorithm.rawValue))", "userinfo:", "refreshed:", "introspection:",
                    "single sign-on:", "logout:",
                ] {
                    #expect(result.stdout.contains(line), "\(algorithm): \(line)")
                }
        }
    }
}

extension DatabaseURL {
    var sqlitePath: String? {
        if case .sqliteFile(let path) = self { return path }
        return nil
    }
}
