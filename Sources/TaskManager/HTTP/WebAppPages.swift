import Crypto
import Foundation
import Hummingbird
import Mustache

/// The web app: `/` sends browsers to `/app`, whose page and ES modules (`Sources/TaskManager/WebApp`,
/// embedded in the binary) are served here. The assets live under a path named for a hash of all of
/// them, so they are cached for a year and a new build is fetched at once; the page itself is
/// `no-cache`. No script or style in the page: the policy is `default-src 'self'`.
struct WebAppPages: Sendable {
    /// The assets by name, with their types. The modules import each other by relative path, so they
    /// share one fingerprinted folder instead of each carrying its own hash.
    static let assets: [String: Asset] = [
        "app.css": Asset("text/css; charset=utf-8", PackageResources.app_css),
        "app.js": Asset(javascript, PackageResources.app_js),
        "api.js": Asset(javascript, PackageResources.api_js),
        "auth.js": Asset(javascript, PackageResources.auth_js),
        "dom.js": Asset(javascript, PackageResources.dom_js),
        "tasks.js": Asset(javascript, PackageResources.tasks_js),
        "account.js": Asset(javascript, PackageResources.account_js),
        "lists.js": Asset(javascript, PackageResources.lists_js),
        "sharing.js": Asset(javascript, PackageResources.sharing_js),
        "live.js": Asset(javascript, PackageResources.live_js),
        "sse.js": Asset(javascript, PackageResources.sse_js),
        "activity.js": Asset(javascript, PackageResources.activity_js),
        "task-item.js": Asset(javascript, PackageResources.task_item_js),
        "task-forms.js": Asset(javascript, PackageResources.task_forms_js),
        "qr.js": Asset(javascript, PackageResources.qr_js),
        "icon.svg": Asset("image/svg+xml", PackageResources.icon_svg),
    ]
    private static let javascript = "text/javascript; charset=utf-8"

    struct Asset: Sendable {
        let type: String
        let bytes: [UInt8]
        /// Made once: every request hands out the same buffer.
        let body: ByteBuffer
        /// Scripts and styles are served compacted (`AssetCompactor`).
        init(_ type: String, _ source: [UInt8]) {
            self.type = type
            bytes = type.hasPrefix("text/javascript") || type.hasPrefix("text/css") ? AssetCompactor.compact(source) : source
            body = ByteBuffer(bytes: bytes)
        }
    }

    /// The first 16 hex digits of SHA-256 over every asset, in name order.
    static let version: String = {
        var hash = SHA256()
        for name in assets.keys.sorted() {
            hash.update(data: Array(name.utf8))
            hash.update(data: assets[name]!.bytes)
        }
        return hash.finalize().map { String(format: "%02x", $0) }.joined().prefix(16).lowercased()
    }()

    /// The client-side screens: each is the same page, which reads its path.
    static let pagePaths = ["/app", "/app/callback", "/app/signed-out", "/app/account", "/app/lists", "/app/list"]

    static let policy =
        "default-src 'self'; base-uri 'none'; object-src 'none'; form-action 'self'; frame-ancestors 'none'"

    /// The page, with the asset folder and the public URL (the app moves to that origin first, so
    /// that the redirect URI and the issuer it checks are the registered ones).
    let page: ByteBuffer

    init(publicURL: String) {
        // Rendered once; the template engine HTML-escapes both values.
        let template = try! MustacheTemplate(string: String(decoding: PackageResources.index_mustache, as: UTF8.self))
        // Every module but the entry is preloaded; the list is the assets', not written again.
        let modules = Self.assets.keys.filter { $0.hasSuffix(".js") && $0 != "app.js" }.sorted()
        page = ByteBuffer(string: template.render(["version": Self.version, "publicURL": publicURL, "modules": modules]))
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/") { _, _ in
            Response(status: .seeOther, headers: [.location: "/app", .cacheControl: "no-cache"])
        }
        // Pages without an icon of their own (the sign-in page, the docs) make browsers ask here.
        router.get("/favicon.ico") { _, _ in
            Response(
                status: .movedPermanently,
                headers: [.location: "/app/assets/\(Self.version)/icon.svg", .cacheControl: "public, max-age=86400"])
        }
        let page = self.page
        for path in Self.pagePaths {
            router.get(RouterPath(path)) { _, _ in
                Response(
                    status: .ok,
                    headers: PageHeaders.html(policy: Self.policy, cacheControl: "no-cache"),
                    body: .init(byteBuffer: page))
            }
        }
        router.get("/app/assets/{version}/{name}") { _, context in
            // Only the embedded files of this build: nothing from the request reaches the filesystem.
            guard context.parameters.get("version") == Self.version, let name = context.parameters.get("name"),
                let asset = Self.assets[name]
            else { throw APIError.notFound("Not Found") }
            return Response(
                status: .ok,
                headers: [.contentType: asset.type, .cacheControl: "public, max-age=31536000, immutable"],
                body: .init(byteBuffer: asset.body))
        }
    }
}
