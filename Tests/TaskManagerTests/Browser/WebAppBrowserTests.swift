import Foundation
import Testing

/// The web app in real browsers: headless Chromium driven by selenium (Tests/browser/web_app.py)
/// signs in through the real `/authorize` page, works the task list, the account and the second
/// factor, and after each step checks the API's own view; a second user in a second browser
/// profile sees none of it; on a SQLite file and on PostgreSQL. Screenshots at 360 and 1280 pixels
/// go to `.build/screenshots/<engine>/` (or under `TASKMANAGER_TEST_SCREENSHOTS`). Skipped without a
/// browser, except in CI.
@Suite struct WebAppBrowserTests {
    static let missing: String? = RunSummary.note("browser: the web app, two people sharing a list, tm's sign-in in a browser", missing: {
        if let browserMissing = DocsBrowserTests.browserMissing { return browserMissing }  // Chromium, its driver, Selenium
        if (try? Binary.runTool("python3", ["-c", "import pyotp, qrcode"]))?.status != 0 {
            return "no pyotp or qrcode for python3 (pip install pyotp qrcode)"
        }
        return nil
    }())

    static let screenshots: URL = {
        if let configured = ProcessInfo.processInfo.environment["TASKMANAGER_TEST_SCREENSHOTS"], !configured.isEmpty {
            return URL(fileURLWithPath: configured)
        }
        return packagePath(".build/screenshots")
    }()

    @Test(.enabled(if: missing == nil || RunSummary.inCI, "browser test skipped: \(missing ?? "")"), arguments: TestEngine.shared)
    func aPersonUsesTheWebApp(_ engine: TestEngine) async throws {
        if let missing = Self.missing { Issue.record("the browser test cannot run in CI: \(missing)") }
        try await engine.withEmptyDatabase { url in
            let directory = try TemporaryDirectory()
            let server = try await LiveServer.start(
                in: directory, databaseURL: engine == .postgres ? TestPostgres.urlText(url) : directory.databaseURL)
            defer { server.stopInBackground() }
            try await Self.usesTheWebApp(server, screenshots: Self.screenshots.appendingPathComponent(engine.rawValue))
        }
    }

    static func usesTheWebApp(_ server: LiveServer, screenshots: URL) async throws {
        try FileManager.default.createDirectory(at: screenshots, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: screenshots.path) where name.hasSuffix(".png") {
            try FileManager.default.removeItem(at: screenshots.appendingPathComponent(name))
        }
        let script = packagePath("Tests/browser/web_app.py").path
        let result = try await Binary.runLongTool("python3", [script, "http://127.0.0.1:\(server.port)", screenshots.path])
        print(result.stdout, result.stderr)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("all steps passed"))
        #expect(result.stdout.contains("qr: version"))
        for name in [
            "tasks-360.png", "tasks-1280.png", "tasks-dark-360.png", "account-1280.png", "second-factor-360.png", "lists-360.png",
            "lists-1280.png", "lists-dark-360.png", "share-360.png", "share-1280.png", "shared-viewer-360.png", "shared-viewer-1280.png",
            "activity-360.png", "activity-1280.png",
        ] {
            let size = (try? FileManager.default.attributesOfItem(atPath: screenshots.appendingPathComponent(name).path)[.size] as? Int) ?? 0
            #expect(size > 10_000, "screenshot \(name): \(size) bytes")
        }
        // The API's view after the run: alice's and bob's tasks apart, the web client's sessions.
        let alice = try await server.send(.POST, "/token", form: formBody([("username", "alice"), ("password", "a new password of hers")]))
        #expect(alice.status == 200)
        let tasks = try await server.send(.GET, "/tasks?limit=100", token: alice.string("access_token"))
        // Her 45, and the two of the list she shared with bob (his among them), not bob's own.
        #expect(tasks.items.count == 47)
        #expect(tasks.items.contains { $0["title"] as? String == "Eggs from bob" })
        #expect(!tasks.items.contains { $0["title"] as? String == "Bob's own task" })
        let sessions = try await server.send(.GET, "/me/sessions", token: alice.string("access_token"))
        #expect(sessions.items.contains { $0["client_id"] as? String == "taskmanager-web" })
    }

    @Test(.enabled(if: missing == nil || RunSummary.inCI, "browser test skipped: \(missing ?? "")"))
    func theAppRefreshesBeforeTheAccessTokenExpires() async throws {
        if let missing = Self.missing { Issue.record("the browser test cannot run in CI: \(missing)") }
        let server = try await LiveServer.start(["--access-token-ttl", "5"])
        defer { server.stopInBackground() }
        let script = packagePath("Tests/browser/web_app.py").path
        let result = try await Binary.runLongTool(
            "python3", [script, "http://127.0.0.1:\(server.port)", Self.screenshots.path, "refresh"])
        print(result.stdout, result.stderr)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("refreshed before expiry"))
    }
}
