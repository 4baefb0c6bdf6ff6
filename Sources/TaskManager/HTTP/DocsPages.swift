import Foundation
import Hummingbird

/// The interactive docs: Swagger UI at `/docs`, ReDoc at `/redoc`, both on `/openapi.json`.
///
/// Their JavaScript and CSS come from the public CDN (as FastAPI's do), or with `--docs-assets`
/// from a local folder that the server reads once at start and serves at `/docs-assets/`, so the
/// pages also work with no internet. Each page carries a Content-Security-Policy that allows
/// exactly what it loads; the Swagger UI set-up is a script file of ours, not an inline script.
struct DocsPages: Sendable {
    static let assetNames = ["swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"]
    static let cdn = "https://cdn.jsdelivr.net"

    /// The local asset files by name; empty when the pages use the CDN.
    let assets: [String: ByteBuffer]

    /// Reads the asset folder, or refuses it with the one line the server prints before exiting.
    static func load(directory: String?) throws(Configuration.Invalid) -> DocsPages {
        guard let directory else { return DocsPages(assets: [:]) }
        var assets: [String: ByteBuffer] = [:]
        for name in assetNames {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
            guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else {
                throw .init(
                    description:
                        "--docs-assets (TASKMANAGER_DOCS_ASSETS): \(directory) has no \(name); it needs \(assetNames.joined(separator: ", ")) (see the README)"
                )
            }
            assets[name] = ByteBuffer(bytes: data)
        }
        return DocsPages(assets: assets)
    }

    var isLocal: Bool { !assets.isEmpty }

    private func assetURL(_ name: String, cdnPath: String) -> String {
        isLocal ? "/docs-assets/\(name)" : "\(Self.cdn)/npm/\(cdnPath)"
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        let scriptSource = isLocal ? "'self'" : "'self' \(Self.cdn)"
        let swaggerPolicy =
            "default-src 'none'; script-src \(scriptSource); style-src \(scriptSource) 'unsafe-inline'; "
            + "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        // ReDoc injects its styles and runs its search index in a worker made from a blob.
        let redocPolicy =
            "default-src 'none'; script-src \(scriptSource); style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src blob:; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        let swagger = Self.swaggerHTML(
            js: assetURL("swagger-ui-bundle.js", cdnPath: "swagger-ui-dist@5/swagger-ui-bundle.js"),
            css: assetURL("swagger-ui.css", cdnPath: "swagger-ui-dist@5/swagger-ui.css"))
        let redoc = Self.redocHTML(js: assetURL("redoc.standalone.js", cdnPath: "redoc@2/bundles/redoc.standalone.js"))

        router.get("/docs") { _, _ in Self.page(swagger, type: "text/html; charset=utf-8", policy: swaggerPolicy) }
        router.get("/docs/swagger-init.js") { _, _ in
            Self.page(Self.swaggerInit, type: "text/javascript; charset=utf-8", policy: nil)
        }
        router.get("/redoc") { _, _ in Self.page(redoc, type: "text/html; charset=utf-8", policy: redocPolicy) }
        let assets = self.assets
        router.get("/docs-assets/{name}") { _, context in
            // Only the named files, read at start: no path from the request reaches the filesystem.
            guard let name = context.parameters.get("name"), let body = assets[name] else {
                throw APIError.notFound("Not Found")
            }
            let type = name.hasSuffix(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8"
            return Response(
                status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=86400"],
                body: .init(byteBuffer: body))
        }
    }

    private static func page(_ text: String, type: String, policy: String?) -> Response {
        var headers: HTTPFields = [.contentType: type]
        if let policy { headers[.contentSecurityPolicy] = policy }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func swaggerHTML(js: String, css: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>TaskManager - Swagger UI</title>
        <link rel="icon" href="data:,">
        <link rel="stylesheet" href="\(css)">
        </head>
        <body>
        <div id="swagger-ui"></div>
        <script src="\(js)"></script>
        <script src="/docs/swagger-init.js"></script>
        </body>
        </html>
        """
    }

    /// The Authorize dialog offers the document's OAuth2 password flow (`tokenUrl: token`, relative
    /// to `/openapi.json`). `persistAuthorization` keeps the token in the browser's local storage
    /// across reloads — never in a URL.
    static let swaggerInit = """
        window.ui = SwaggerUIBundle({
          url: "/openapi.json",
          dom_id: "#swagger-ui",
          layout: "BaseLayout",
          deepLinking: true,
          persistAuthorization: true,
          displayRequestDuration: true,
          validatorUrl: null,
          presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset]
        });

        """

    static func redocHTML(js: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>TaskManager - ReDoc</title>
        <link rel="icon" href="data:,">
        </head>
        <body>
        <redoc spec-url="/openapi.json"></redoc>
        <script src="\(js)"></script>
        </body>
        </html>
        """
    }
}
