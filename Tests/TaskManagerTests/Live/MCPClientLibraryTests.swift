import Foundation
import Testing

@testable import TaskManager

/// `/mcp` from the outside with a stock MCP client: the PyPI `mcp` package's own client and OAuth
/// provider (Tests/mcp/mcp_client.py), given nothing but the URL, finds the authorization server
/// from the 401 (RFC 9728), registers itself (RFC 7591), signs the person in through the sign-in
/// page with PKCE and `resource` (RFC 8707) — in headless Chromium where it is installed — and
/// calls every tool; on each shared engine. Skipped without the package for python3, except in CI.
@Suite struct MCPClientLibraryTests {
    static let missing: String? = RunSummary.note(
        "mcp: the MCP Python SDK's client signing in by itself and calling every tool",
        missing: (try? Binary.runTool("python3", ["-c", "import mcp, httpx2"]))?.status == 0
            ? nil : "no mcp package for python3 (pip install 'mcp==2.3.0')")

    @Test(.enabled(if: missing == nil || RunSummary.inCI, "MCP client test skipped: \(missing ?? "")"), arguments: TestEngine.shared)
    func aStockMCPClientSignsInByItselfAndCallsEveryTool(_ engine: TestEngine) async throws {
        if let missing = Self.missing { Issue.record("the MCP client test cannot run in CI: \(missing)") }
        try await engine.withEmptyDatabase { url in
            let databaseURL = engine == .postgres ? TestPostgres.urlText(url) : "sqlite://" + (url.sqlitePath ?? "")
            let server = try await LiveServer.start(databaseURL: databaseURL)
            defer { server.stopInBackground() }
            let password = "correct horse battery"
            for name in ["agent-user", "agent-friend"] {
                #expect(try await server.send(.POST, "/users", json: jsonBody(["username": name, "password": password])).status == 201)
            }
            // The person signs in in headless Chromium where it is installed (on one engine: one
            // browser is enough, and the suite runs two others beside it), else over plain HTTP.
            let chromium = engine == .sqliteFile && DocsBrowserTests.browserMissing == nil
            let shots = WebAppBrowserTests.screenshots.appendingPathComponent("mcp")
            try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)
            let result = try await Binary.runLongTool(
                "env",
                [
                    "SIGN_IN=\(chromium ? "chromium" : "http")", "python3", packagePath("Tests/mcp/mcp_client.py").path,
                    "http://127.0.0.1:\(server.port)", "agent-user", password, "agent-friend", shots.path,
                ])
            print(result.stdout, result.stderr)
            #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
            #expect(result.stdout.contains("all checks passed"))
            if chromium {
                #expect(result.stdout.contains("signing in with chromium"))
                let size = (try? FileManager.default.attributesOfItem(atPath: shots.appendingPathComponent("mcp-sign-in-1-360.png").path)[.size] as? Int) ?? 0
                #expect(size > 5_000, "the sign-in page's screenshot: \(size) bytes")
            }
            // What the agent did is the person's: its list, shared with the friend, and its session named by its client.
            let token = try #require(
                try await server.send(.POST, "/token", form: formBody([("username", "agent-user"), ("password", password)])).string("access_token"))
            let lists = try await server.send(.GET, "/lists", token: token).items.compactMap { $0["name"] as? String }
            #expect(lists.contains { $0.hasPrefix("MCP list ") }, "\(lists)")
            let sessions = try await server.send(.GET, "/me/sessions", token: token).items
            #expect(sessions.contains { ($0["client_name"] as? String) == "mcp-python-sdk e2e" }, "\(sessions)")
        }
    }
}
