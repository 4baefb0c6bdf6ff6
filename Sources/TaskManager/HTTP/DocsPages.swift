import Foundation
import Hummingbird

/// The interactive docs: Swagger UI at `/docs`, ReDoc at `/redoc`, both on `/openapi.json`.
///
/// Their JavaScript and CSS come from a local folder that the server reads once at start and serves
/// at `/docs-assets/` — the one `--docs-assets` names, else the default folder when it holds the
/// files — or else from the public CDN (as FastAPI's do). In CDN mode a script of ours after the
/// CDN's says on the page what to do when the CDN's did not load. Each page carries a
/// Content-Security-Policy that allows exactly what it loads; the scripts of ours are files, never
/// inline scripts.
struct DocsPages: Sendable {
    static let assetNames = ["swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"]
    static let cdn = "https://cdn.jsdelivr.net"

    /// The local asset files by name; empty when the pages use the CDN.
    let assets: [String: ByteBuffer]
    /// Where the files come from, in words, for the line the start logs.
    let source: String
    /// The default folder this server looks in (`defaultDirectory`), for the CDN check's advice.
    var defaultFolder: String? = nil

    /// The folder `scripts/fetch-docs-assets` fills when it is given none, and that the server reads
    /// without `--docs-assets`: `$XDG_CACHE_HOME/taskmanager/docs-assets`, or
    /// `$HOME/.cache/taskmanager/docs-assets` when that is unset or empty; `nil` without either. The
    /// script spells the same rule in shell (a test runs both).
    static func defaultDirectory(environment: [String: String]) -> String? {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        guard let cache = value("XDG_CACHE_HOME") ?? value("HOME").map({ $0 + "/.cache" }) else { return nil }
        return cache + "/taskmanager/docs-assets"
    }

    /// The files from `directory` (`--docs-assets`), which must hold all three, else refused with the
    /// one line the server prints before exiting; without it, from `defaultDirectory` when that holds
    /// all three; else the CDN.
    static func load(directory: String?, defaultDirectory: String? = nil) throws(ServerSettings.Invalid) -> DocsPages {
        if let directory {
            let found = read(directory)
            if let missing = found.missing {
                throw .init(
                    description:
                        "--docs-assets (TASKMANAGER_DOCS_ASSETS): \(directory) has no \(missing); it needs \(assetNames.joined(separator: ", ")) (see the README)"
                )
            }
            return DocsPages(assets: found.assets, source: "\(directory) (--docs-assets)")
        }
        guard let defaultDirectory else { return DocsPages(assets: [:], source: "the CDN \(cdn) (no default folder: no HOME)") }
        let found = read(defaultDirectory)
        if let missing = found.missing {
            return DocsPages(
                assets: [:],
                source: "the CDN \(cdn) (\(defaultDirectory) has no \(missing): scripts/fetch-docs-assets puts the files there)",
                defaultFolder: defaultDirectory)
        }
        return DocsPages(assets: found.assets, source: "\(defaultDirectory), the default folder")
    }

    /// The three files of `directory`, or the first one it lacks (a missing folder lacks them all).
    private static func read(_ directory: String) -> (assets: [String: ByteBuffer], missing: String?) {
        var assets: [String: ByteBuffer] = [:]
        for name in assetNames {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
            guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return ([:], name) }
            assets[name] = ByteBuffer(bytes: data)
        }
        return (assets, nil)
    }

    var isLocal: Bool { !assets.isEmpty }

    private func assetURL(_ name: String, cdnPath: String) -> String {
        isLocal ? "/docs-assets/\(name)" : "\(Self.cdn)/npm/\(cdnPath)"
    }

    /// In CDN mode, our check after the CDN's script tag (`src`): whether it defined `global`.
    private func cdnCheck(library: String, global: String, src: String) -> String {
        isLocal
            ? ""
            : #"<script src="/docs/cdn-check.js" data-library="\#(library)" data-global="\#(global)" data-url="\#(src)""#
                + (defaultFolder.map { #" data-folder="\#(Self.attributeEscaped($0))""# } ?? "") + "></script>\n"
    }

    /// A folder's path inside a double-quoted attribute (it is the operator's, but may hold any character).
    private static func attributeEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "\"": escaped += "&quot;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            default: escaped.append(character)
            }
        }
        return escaped
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
        let swaggerJS = assetURL("swagger-ui-bundle.js", cdnPath: "swagger-ui-dist@5/swagger-ui-bundle.js")
        let swagger = Self.swaggerHTML(
            js: swaggerJS, css: assetURL("swagger-ui.css", cdnPath: "swagger-ui-dist@5/swagger-ui.css"),
            check: cdnCheck(library: "Swagger UI", global: "SwaggerUIBundle", src: swaggerJS))
        let redocJS = assetURL("redoc.standalone.js", cdnPath: "redoc@2/bundles/redoc.standalone.js")
        let redoc = Self.redocHTML(js: redocJS, check: cdnCheck(library: "ReDoc", global: "Redoc", src: redocJS))

        router.get("/docs") { _, _ in Self.page(swagger, type: "text/html; charset=utf-8", policy: swaggerPolicy) }
        router.get("/docs/swagger-init.js") { _, _ in
            Self.page(Self.swaggerInit, type: "text/javascript; charset=utf-8", policy: nil)
        }
        router.get("/docs/cdn-check.js") { _, _ in
            Self.page(Self.cdnCheckScript, type: "text/javascript; charset=utf-8", policy: nil)
        }
        router.get("/docs/oauth2-redirect") { _, _ in
            Self.page(Self.oauth2RedirectHTML, type: "text/html; charset=utf-8", policy: Self.redirectPolicy)
        }
        router.get("/docs/oauth2-redirect.js") { _, _ in
            Self.page(Self.oauth2RedirectScript, type: "text/javascript; charset=utf-8", policy: nil)
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

    static func swaggerHTML(js: String, css: String, check: String) -> String {
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
        \(check)<script src="/docs/swagger-init.js"></script>
        </body>
        </html>
        """
    }

    /// The Authorize dialog offers both flows of the document: the password flow (`tokenUrl: token`,
    /// relative to `/openapi.json`) and the authorization-code flow with PKCE as the built-in
    /// `swagger-ui` client, whose popup comes back to `/docs/oauth2-redirect`. `persistAuthorization`
    /// keeps the token in the browser's local storage across reloads — never in a URL. Without
    /// Swagger UI (the CDN's did not load) it does nothing: `cdn-check.js` has said why.
    static let swaggerInit = """
        if (typeof window.SwaggerUIBundle === "function") {
          window.ui = SwaggerUIBundle({
            url: "/openapi.json",
            dom_id: "#swagger-ui",
            layout: "BaseLayout",
            deepLinking: true,
            persistAuthorization: true,
            displayRequestDuration: true,
            validatorUrl: null,
            oauth2RedirectUrl: window.location.origin + "/docs/oauth2-redirect",
            presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset]
          });
          window.ui.initOAuth({ clientId: "swagger-ui", usePkceWithAuthorizationCodeGrant: true });
        }

        """

    static let redirectPolicy = "default-src 'none'; script-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// Where `/authorize` sends Swagger UI's popup back to: the page hands the code (or the error) to
    /// the dialog that opened it, which exchanges it at `/token` with its PKCE verifier.
    static let oauth2RedirectHTML = """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>TaskManager - signing in</title><link rel="icon" href="data:,"></head>
        <body>
        <p id="status">Finishing the sign-in; this window closes by itself.</p>
        <script src="/docs/oauth2-redirect.js"></script>
        </body>
        </html>
        """

    /// Swagger UI's side of the popup (its `window.swaggerUIRedirectOauth2` contract): the state
    /// must be the one it sent, then the code goes to its callback, or the error to its error list.
    static let oauth2RedirectScript = """
        "use strict";
        (function () {
          var status = document.getElementById("status");
          var oauth2 = window.opener && window.opener.swaggerUIRedirectOauth2;
          if (!oauth2) {
            status.textContent = "This page finishes a sign-in started from /docs; there is none in progress.";
            return;
          }
          var answer = new URLSearchParams(window.location.search);
          var code = answer.get("code");
          var stateMatches = answer.get("state") === oauth2.state;
          var report = function (level, message) {
            oauth2.errCb({ authId: oauth2.auth.name, source: "auth", level: level, message: message });
          };
          if (!stateMatches) {
            report("error", "The state that came back is not the one sent: the answer is ignored.");
          } else if (code) {
            delete oauth2.state;
            oauth2.auth.code = code;
            oauth2.callback({ auth: oauth2.auth, redirectUrl: oauth2.redirectUrl });
          } else {
            report("error", "[" + (answer.get("error") || "no code") + "]: " + (answer.get("error_description") || "the server sent no code"));
          }
          window.close();
        })();

        """

    static func redocHTML(js: String, check: String) -> String {
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
        \(check)</body>
        </html>
        """
    }
}
