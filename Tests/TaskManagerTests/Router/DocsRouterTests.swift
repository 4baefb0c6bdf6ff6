import Foundation
import Testing

@testable import TaskManager

@Suite struct DocsRouterTests {
    @Test func swaggerUIAndReDocFromTheCDNByDefault() async throws {
        // (no default folder: a developer's own must not change what this test sees)
        try await withTestApp { api in
            let docs = try await api.send(.get, "/docs")
            #expect(docs.status == 200)
            #expect(docs.header("Content-Type") == "text/html; charset=utf-8")
            #expect(docs.body.contains("https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"))
            #expect(docs.body.contains("https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css"))
            #expect(docs.body.contains(#"<script src="/docs/swagger-init.js"></script>"#))
            let policy = try #require(docs.header("Content-Security-Policy"))
            #expect(policy.contains("default-src 'none'"))
            #expect(policy.contains("script-src 'self' https://cdn.jsdelivr.net;"))
            #expect(policy.contains("connect-src 'self'"))
            #expect(!policy.contains("unsafe-eval"))
            // No inline script: everything the page runs comes from an allowed source.
            #expect(!docs.body.contains("<script>"))

            let initScript = try await api.send(.get, "/docs/swagger-init.js")
            #expect(initScript.status == 200)
            #expect(initScript.header("Content-Type") == "text/javascript; charset=utf-8")
            #expect(initScript.body.contains(#"url: "/openapi.json""#))
            #expect(initScript.body.contains("persistAuthorization: true"))

            let redoc = try await api.send(.get, "/redoc")
            #expect(redoc.status == 200)
            #expect(redoc.body.contains("https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js"))
            #expect(redoc.body.contains(#"<redoc spec-url="/openapi.json">"#))
            #expect(redoc.header("Content-Security-Policy")?.contains("worker-src blob:") == true)

            #expect(try await api.send(.get, "/docs-assets/swagger-ui.css").status == 404)
            #expect(try await api.send(.post, "/docs").status == 405)
        }
    }

    /// Offline or with the CDN blocked, the page says why and what to do, from a script file of
    /// ours after the CDN's (no inline script: the policies stay as they are).
    @Test func inCDNModeAScriptOfOursSaysWhatToDoWhenTheCDNsDidNotLoad() async throws {
        try await withTestApp { api in
            let docs = try await api.send(.get, "/docs")
            let swaggerCheck =
                #"<script src="/docs/cdn-check.js" data-library="Swagger UI" data-global="SwaggerUIBundle" "#
                + #"data-url="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"></script>"#
            #expect(docs.body.contains(swaggerCheck))
            // After the CDN's script (which has run or failed by then), before the set-up.
            let order = ["swagger-ui-dist@5/swagger-ui-bundle.js", "/docs/cdn-check.js", "/docs/swagger-init.js"].map {
                docs.body.range(of: $0)?.lowerBound
            }
            #expect(order.allSatisfy { $0 != nil } && order == order.sorted { $0! < $1! })
            let redoc = try await api.send(.get, "/redoc")
            #expect(
                redoc.body.contains(
                    #"<script src="/docs/cdn-check.js" data-library="ReDoc" data-global="Redoc" "#
                        + #"data-url="https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js"></script>"#))
            for page in [docs, redoc] {
                #expect(!page.body.contains("<script>"))
                let policy = try #require(page.header("Content-Security-Policy"))
                let directives = policy.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                let scriptSources = try #require(directives.first { $0.hasPrefix("script-src") })
                #expect(scriptSources == "script-src 'self' https://cdn.jsdelivr.net")
            }

            let check = try await api.send(.get, "/docs/cdn-check.js")
            #expect(check.status == 200)
            #expect(check.header("Content-Type") == "text/javascript; charset=utf-8")
            #expect(check.header("X-Content-Type-Options") == "nosniff")
            for words in [
                #"typeof window[tag.dataset.global] !== "undefined""#, #"" did not load""#, #""This page needs " + library + " from the CDN " + host"#,
                #"code("scripts/fetch-docs-assets " + tag.dataset.folder)"#, #""restart the server: this server looks for the files in ""#,
                #"code("--docs-assets DIR")"#,
                #"link.href = "/openapi.json""#, "The OpenAPI document itself is at ",
            ] {
                #expect(check.body.contains(words), "\(words)")
            }
            #expect(!check.body.contains("innerHTML") && !check.body.contains("document.write"))
            // Without Swagger UI the set-up does nothing (no error beside the message).
            let initScript = try await api.send(.get, "/docs/swagger-init.js")
            #expect(initScript.body.hasPrefix(#"if (typeof window.SwaggerUIBundle === "function") {"#))
        }
    }

    @Test func localAssetsAreServedAndAloneAllowed() async throws {
        let directory = try TemporaryDirectory()
        for name in DocsPages.assetNames {
            try Data("/* \(name) */".utf8).write(to: directory.url.appendingPathComponent(name))
        }
        try Data("secret".utf8).write(to: directory.url.appendingPathComponent("other.txt"))
        try await withTestApp({ $0.docsAssets = directory.url.path }) { api in
            let docs = try await api.send(.get, "/docs")
            #expect(docs.body.contains(#"src="/docs-assets/swagger-ui-bundle.js""#))
            #expect(docs.body.contains(#"href="/docs-assets/swagger-ui.css""#))
            #expect(!docs.body.contains("cdn.jsdelivr.net"))
            let policy = try #require(docs.header("Content-Security-Policy"))
            #expect(policy.contains("script-src 'self';"))
            #expect(!policy.contains("https:"))
            let redoc = try await api.send(.get, "/redoc")
            #expect(redoc.body.contains(#"src="/docs-assets/redoc.standalone.js""#))
            // The files are this server's: no CDN to check.
            #expect(!docs.body.contains("cdn-check.js") && !redoc.body.contains("cdn-check.js"))

            let css = try await api.send(.get, "/docs-assets/swagger-ui.css")
            #expect(css.status == 200)
            #expect(css.body == "/* swagger-ui.css */")
            #expect(css.header("Content-Type") == "text/css; charset=utf-8")
            #expect(css.header("X-Content-Type-Options") == "nosniff")
            let js = try await api.send(.get, "/docs-assets/redoc.standalone.js")
            #expect(js.header("Content-Type") == "text/javascript; charset=utf-8")
            for path in ["/docs-assets/other.txt", "/docs-assets/..%2F..%2Fetc%2Fpasswd", "/docs-assets/"] {
                #expect(try await api.send(.get, path).status == 404, "\(path)")
            }
        }
    }

    /// The authorization-code flow of the Authorize dialog: PKCE as the built-in client, and a
    /// redirect page of ours that runs only its own script file.
    @Test func swaggerUISignsInAsItsBuiltInClientThroughTheRedirectPage() async throws {
        try await withTestApp { api in
            let initScript = try await api.send(.get, "/docs/swagger-init.js")
            #expect(initScript.body.contains(#"initOAuth({ clientId: "swagger-ui", usePkceWithAuthorizationCodeGrant: true })"#))
            #expect(initScript.body.contains(#"oauth2RedirectUrl: window.location.origin + "/docs/oauth2-redirect""#))
            let page = try await api.send(.get, "/docs/oauth2-redirect")
            #expect(page.status == 200)
            #expect(page.body.contains(#"<script src="/docs/oauth2-redirect.js"></script>"#))
            #expect(!page.body.contains("<script>"))
            let policy = try #require(page.header("Content-Security-Policy"))
            #expect(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"))
            let script = try await api.send(.get, "/docs/oauth2-redirect.js")
            #expect(script.header("Content-Type") == "text/javascript; charset=utf-8")
            #expect(script.body.contains("swaggerUIRedirectOauth2"))
            // The document offers the flow, with the server's own endpoints.
            let document = try await api.send(.get, "/openapi.json")
            let schemes = (document.json["components"] as? [String: Any])?["securitySchemes"] as? [String: Any]
            let flows = ((schemes?["OAuth2PasswordBearer"] as? [String: Any])?["flows"] as? [String: Any])
            let code = flows?["authorizationCode"] as? [String: Any]
            #expect(code?["authorizationUrl"] as? String == "authorize")
            #expect(code?["tokenUrl"] as? String == "token")
            #expect(flows?["password"] != nil)
        }
    }

    @Test func aFolderWithoutTheAssetsStopsTheStart() async throws {
        let directory = try TemporaryDirectory()
        try Data("x".utf8).write(to: directory.url.appendingPathComponent("swagger-ui-bundle.js"))
        #expect(throws: ServerSettings.Invalid.self) { try DocsPages.load(directory: directory.url.path) }
        let result = try await Binary.run(["serve", "--port", "0", "--docs-assets", directory.url.path], in: directory.url)
        #expect(result.status != 0)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains("swagger-ui.css"))
        let missing = try await Binary.run(["serve", "--port", "0"], environment: ["TASKMANAGER_DOCS_ASSETS": "/nonexistent"], in: directory.url)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("TASKMANAGER_DOCS_ASSETS"))
        // Files in the default folder do not stand in for a named folder's.
        let cache = try TemporaryDirectory()
        let fetched = cache.url.appendingPathComponent("taskmanager/docs-assets")
        try FileManager.default.createDirectory(at: fetched, withIntermediateDirectories: true)
        for name in DocsPages.assetNames { try Data("x".utf8).write(to: fetched.appendingPathComponent(name)) }
        let named = try await Binary.run(
            ["serve", "--port", "0", "--docs-assets", directory.url.path], environment: ["XDG_CACHE_HOME": cache.url.path], in: directory.url)
        #expect(named.status != 0)
        #expect(named.stderr.contains("has no swagger-ui.css"))
    }

    /// Files fetched to where `scripts/fetch-docs-assets` puts them by default are used without
    /// the flag; a default folder without them all means the CDN (no refusal); the flag wins.
    @Test func theDefaultFolderIsUsedWhenItHoldsTheFiles() async throws {
        let fetched = try Self.folder(with: DocsPages.assetNames, marker: "default")
        try await withTestApp({ $0.docsAssetsDefault = fetched.url.path }) { api in
            let docs = try await api.send(.get, "/docs")
            #expect(docs.body.contains(#"src="/docs-assets/swagger-ui-bundle.js""#))
            #expect(!docs.body.contains("cdn.jsdelivr.net"))
            #expect(try await api.send(.get, "/docs-assets/swagger-ui.css").body == "/* default swagger-ui.css */")
        }
        let partial = try Self.folder(with: ["swagger-ui-bundle.js", "swagger-ui.css"], marker: "partial")
        try await withTestApp({ $0.docsAssetsDefault = partial.url.path }) { api in
            let docs = try await api.send(.get, "/docs")
            #expect(docs.body.contains("https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"))
            // The check's advice names the folder this server looks in.
            #expect(docs.body.contains(#"data-folder="\#(partial.url.path)"></script>"#))
            #expect(try await api.send(.get, "/docs-assets/swagger-ui.css").status == 404)
        }
        let named = try Self.folder(with: DocsPages.assetNames, marker: "named")
        try await withTestApp({
            $0.docsAssets = named.url.path
            $0.docsAssetsDefault = fetched.url.path
        }) { api in
            let css = try await api.send(.get, "/docs-assets/swagger-ui.css")
            #expect(css.body == "/* named swagger-ui.css */")
        }
        #expect(try DocsPages.load(directory: nil, defaultDirectory: partial.url.path).source.contains("has no redoc.standalone.js"))
        #expect(try DocsPages.load(directory: nil, defaultDirectory: fetched.url.path).source.hasPrefix(fetched.url.path))
    }

    /// The server's default folder and the script's are one rule: the script's `--help` prints its
    /// default, for the same environments.
    @Test func theDefaultFolderIsTheFetchScriptsDefault() async throws {
        let script = packagePath("scripts/fetch-docs-assets").path
        let environments: [[String: String]] = [
            ["HOME": "/home/someone", "XDG_CACHE_HOME": "/var/cache/someone"],
            ["HOME": "/home/someone", "XDG_CACHE_HOME": ""],
            ["HOME": "/home/someone"],
        ]
        for environment in environments {
            let expected = try #require(DocsPages.defaultDirectory(environment: environment))
            let assignments = environment.map { "\($0.key)=\($0.value)" }
            let result = try await Binary.runLongTool("env", ["-i"] + assignments + ["/bin/bash", script, "--help"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.split(separator: "\n").contains("default DIR: \(expected)"), "\(environment): \(result.stdout)")
        }
        #expect(DocsPages.defaultDirectory(environment: ["HOME": "/home/someone"]) == "/home/someone/.cache/taskmanager/docs-assets")
        #expect(DocsPages.defaultDirectory(environment: ["XDG_CACHE_HOME": "/c"]) == "/c/taskmanager/docs-assets")
        #expect(DocsPages.defaultDirectory(environment: [:]) == nil)
        // The tests' servers never see a developer's own fetched files.
        let tests = Binary.testEnvironment([:])
        #expect(DocsPages.defaultDirectory(environment: tests) != DocsPages.defaultDirectory(environment: ProcessInfo.processInfo.environment))
    }

    /// The real binary, with the files where the script puts them by default: `/docs` serves them
    /// with no flag, and the start says where they come from in one line.
    @Test func theServerFindsFetchedFilesInTheDefaultFolderWithoutTheFlag() async throws {
        let cache = try TemporaryDirectory()
        let folder = cache.url.appendingPathComponent("taskmanager/docs-assets")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in DocsPages.assetNames { try Data("/* fetched \(name) */".utf8).write(to: folder.appendingPathComponent(name)) }
        let logFile = cache.url.appendingPathComponent("server.log")
        let server = try await LiveServer.start(
            [], environment: ["XDG_CACHE_HOME": cache.url.path, "TASKMANAGER_LOG_LEVEL": "info"], logFile: logFile)
        let docs = try await server.send(.GET, "/docs")
        #expect(docs.body.contains(#"src="/docs-assets/swagger-ui-bundle.js""#))
        #expect(!docs.body.contains("cdn.jsdelivr.net"))
        #expect(try await server.send(.GET, "/docs-assets/redoc.standalone.js").body == "/* fetched redoc.standalone.js */")
        #expect(await server.stop() == 0)
        let lines = try String(contentsOf: logFile, encoding: .utf8).split(separator: "\n").filter { $0.contains("/docs and /redoc load") }
        #expect(lines.count == 1)
        #expect(lines.first?.contains("from \(folder.path), the default folder") == true, "\(lines)")
    }

    /// A folder holding `names`, each file's text naming `marker` and itself.
    static func folder(with names: [String], marker: String) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        for name in names { try Data("/* \(marker) \(name) */".utf8).write(to: directory.url.appendingPathComponent(name)) }
        return directory
    }
}
