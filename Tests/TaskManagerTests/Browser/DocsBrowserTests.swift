import Foundation
import Testing

/// `/docs` in a real browser: headless Chromium clicks Authorize, logs in, and tries `GET /me` and
/// `POST /tasks` (Tests/browser/swagger_authorize.py, through chromedriver); and with the CDN out of
/// reach, `/docs` and `/redoc` say what to do (Tests/browser/docs_cdn_unavailable.py). They need
/// Debian's `chromium` and `chromium-driver`, Python's `selenium`, and (but for the CDN one) Swagger
/// UI files from `scripts/fetch-docs-assets DIR` named by `TASKMANAGER_TEST_DOCS_ASSETS`. Without
/// them they are skipped with the reason, except in CI (`CI` set), where they run and fail.
@Suite struct DocsBrowserTests {
    static let browserMissing: String? = RunSummary.note("browser: /docs and /redoc saying what to do offline", missing: {
        if findExecutable("chromium") == nil { return "no chromium (apt-get install chromium)" }
        if findExecutable("chromedriver") == nil { return "no chromedriver (apt-get install chromium-driver)" }
        if (try? Binary.runTool("python3", ["-c", "import selenium"]))?.status != 0 {
            return "no selenium for python3 (pip install selenium)"
        }
        return nil
    }())
    static let missing: String? = RunSummary.note("browser: /docs with local assets, Authorize in both flows, Try it out", missing: {
        if let browserMissing { return browserMissing }
        guard let assets = ProcessInfo.processInfo.environment["TASKMANAGER_TEST_DOCS_ASSETS"], !assets.isEmpty else {
            return "TASKMANAGER_TEST_DOCS_ASSETS is not set (scripts/fetch-docs-assets DIR)"
        }
        return nil
    }())

    /// In CDN mode (the server's default without files), a browser that cannot reach the CDN —
    /// offline, or the CDN blocked — gets a page that says what did not load and what to do, from
    /// the page's own script, with nothing refused by the pages' policies.
    @Test(.enabled(if: browserMissing == nil || RunSummary.inCI, "browser test skipped: \(browserMissing ?? "")"))
    func withoutTheCDNThePagesSayWhatToDo() async throws {
        if let missing = Self.browserMissing { Issue.record("the browser test cannot run in CI: \(missing)") }
        let server = try await LiveServer.start()
        defer { server.stopInBackground() }
        #expect(try await server.send(.GET, "/docs").body.contains("https://cdn.jsdelivr.net/"), "the server is in CDN mode")
        let script = packagePath("Tests/browser/docs_cdn_unavailable.py").path
        let result = try await Binary.runLongTool("python3", [script, "http://127.0.0.1:\(server.port)"])
        print(result.stdout, result.stderr)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("both pages say what did not load and what to do"))
    }

    @Test(.enabled(if: missing == nil || RunSummary.inCI, "browser test skipped: \(missing ?? "")"))
    func swaggerUIAuthorizesAndTriesItOut() async throws {
        if let missing = Self.missing { Issue.record("the browser test cannot run in CI: \(missing)") }
        let assets = ProcessInfo.processInfo.environment["TASKMANAGER_TEST_DOCS_ASSETS"] ?? ""
        let server = try await LiveServer.start(["--docs-assets", assets])
        defer { server.stopInBackground() }
        let password = "correct horse battery"
        let registration = try await server.send(.POST, "/users", json: jsonBody(["username": "browser", "password": password]))
        #expect(registration.status == 201)

        let script = packagePath("Tests/browser/swagger_authorize.py").path
        let result = try await Binary.runLongTool("python3", [script, "http://127.0.0.1:\(server.port)", "browser", password])
        print(result.stdout, result.stderr)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("GET /me -> 200"))
        #expect(result.stdout.contains("POST /tasks -> 201"))
        // What the browser did is real: the task is there.
        let login = try await server.send(.POST, "/token", form: formBody([("username", "browser"), ("password", password)]))
        let tasks = try await server.send(.GET, "/tasks", token: login.string("access_token"))
        #expect(tasks.items.first?["title"] as? String == "Made in Swagger UI")
    }

    @Test(.enabled(if: missing == nil || RunSummary.inCI, "browser test skipped: \(missing ?? "")"))
    func swaggerUISignsInWithTheAuthorizationCodeFlow() async throws {
        if let missing = Self.missing { Issue.record("the browser test cannot run in CI: \(missing)") }
        let assets = ProcessInfo.processInfo.environment["TASKMANAGER_TEST_DOCS_ASSETS"] ?? ""
        let server = try await LiveServer.start(["--docs-assets", assets])
        defer { server.stopInBackground() }
        let password = "correct horse battery"
        let registration = try await server.send(.POST, "/users", json: jsonBody(["username": "coder", "password": password]))
        #expect(registration.status == 201)

        let script = packagePath("Tests/browser/swagger_authorization_code.py").path
        let result = try await Binary.runLongTool("python3", [script, "http://127.0.0.1:\(server.port)", "coder", password])
        print(result.stdout, result.stderr)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("client_id in the dialog: swagger-ui"))
        #expect(result.stdout.contains("GET /me -> 200"))
        // The session the browser made is the swagger-ui client's.
        let login = try await server.send(.POST, "/token", form: formBody([("username", "coder"), ("password", password)]))
        let sessions = try await server.send(.GET, "/me/sessions", token: login.string("access_token"))
        #expect(sessions.items.contains { $0["client_id"] as? String == "swagger-ui" })
    }

    /// Swagger UI's OpenIDConnect scheme, set up from the discovery document alone: the same
    /// sign-in, with `openid` asked for, and "Try it out" with its token.
    @Test(.enabled(if: missing == nil || RunSummary.inCI, "browser test skipped: \(missing ?? "")"))
    func swaggerUISignsInWithOpenIDConnect() async throws {
        if let missing = Self.missing { Issue.record("the browser test cannot run in CI: \(missing)") }
        let assets = ProcessInfo.processInfo.environment["TASKMANAGER_TEST_DOCS_ASSETS"] ?? ""
        let server = try await LiveServer.start(["--docs-assets", assets])
        defer { server.stopInBackground() }
        let password = "correct horse battery"
        #expect(try await server.send(.POST, "/users", json: jsonBody(["username": "oidc", "password": password])).status == 201)
        let script = packagePath("Tests/browser/swagger_authorization_code.py").path
        let result = try await Binary.runLongTool("python3", [script, "http://127.0.0.1:\(server.port)", "oidc", password, "openid"])
        print(result.stdout, result.stderr)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("scopes chosen: me openid"))
        #expect(result.stdout.contains("GET /me -> 200"))
        let login = try await server.send(.POST, "/token", form: formBody([("username", "oidc"), ("password", password)]))
        let sessions = try await server.send(.GET, "/me/sessions", token: login.string("access_token"))
        #expect(sessions.items.contains { $0["client_id"] as? String == "swagger-ui" })
    }
}

func findExecutable(_ name: String) -> String? {
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
        let path = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}
