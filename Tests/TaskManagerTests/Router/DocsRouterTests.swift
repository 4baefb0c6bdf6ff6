import Foundation
import Testing

@testable import TaskManager

@Suite struct DocsRouterTests {
    @Test func swaggerUIAndReDocFromTheCDNByDefault() async throws {
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
    }
}
