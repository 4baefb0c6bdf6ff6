import Foundation
import Testing

/// `/docs` in a real browser: headless Chromium clicks Authorize, logs in, and tries `GET /me` and
/// `POST /tasks` (Tests/browser/swagger_authorize.py, through chromedriver). It needs Debian's
/// `chromium` and `chromium-driver`, Python's `selenium`, and Swagger UI files from
/// `scripts/fetch-docs-assets DIR` named by `TASKMANAGER_TEST_DOCS_ASSETS`. Without them it is
/// skipped with the reason, except in CI (`CI` set), where it runs and fails.
@Suite struct DocsBrowserTests {
    static let missing: String? = {
        let environment = ProcessInfo.processInfo.environment
        if findExecutable("chromium") == nil { return "no chromium (apt-get install chromium)" }
        if findExecutable("chromedriver") == nil { return "no chromedriver (apt-get install chromium-driver)" }
        if (try? Binary.runTool("python3", ["-c", "import selenium"]))?.status != 0 {
            return "no selenium for python3 (pip install selenium)"
        }
        guard let assets = environment["TASKMANAGER_TEST_DOCS_ASSETS"], !assets.isEmpty else {
            return "TASKMANAGER_TEST_DOCS_ASSETS is not set (scripts/fetch-docs-assets DIR)"
        }
        return nil
    }()
    static let inCI = !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty

    @Test(.enabled(if: missing == nil || inCI, "browser test skipped: \(missing ?? "")"))
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

    @Test(.enabled(if: missing == nil || inCI, "browser test skipped: \(missing ?? "")"))
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
}

func findExecutable(_ name: String) -> String? {
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
        let path = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}
