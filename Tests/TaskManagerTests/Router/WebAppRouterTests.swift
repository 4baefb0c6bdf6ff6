import Foundation
import Testing

@testable import TaskManager

/// The web app's page and assets as the server serves them (the browser tests drive the app itself).
@Suite struct WebAppRouterTests {
    @Test func theRootLeadsToTheApp() async throws {
        try await withTestApp { api in
            let root = try await api.send(.get, "/")
            #expect(root.status == 303)
            #expect(root.header("Location") == "/app")
            let icon = try await api.send(.get, "/favicon.ico")
            #expect(icon.status == 301)
            #expect(icon.header("Location") == "/app/assets/\(WebAppPages.version)/icon.svg")
        }
    }

    @Test func thePageHasAStrictPolicyAndIsNotCached() async throws {
        try await withTestApp { api in
            for path in ["/app", "/app/callback", "/app/account", "/app/lists", "/app/list"] {
                let page = try await api.send(.get, path)
                #expect(page.status == 200, "\(path)")
                #expect(page.header("Content-Type") == "text/html; charset=utf-8")
                #expect(
                    page.header("Content-Security-Policy")
                        == "default-src 'self'; base-uri 'none'; object-src 'none'; form-action 'self'; frame-ancestors 'none'")
                #expect(page.header("Cache-Control") == "no-cache")
                #expect(page.header("Referrer-Policy") == "no-referrer")
                #expect(page.header("X-Frame-Options") == "DENY")
                #expect(page.header("X-Content-Type-Options") == "nosniff")
            }
            let page = try await api.send(.get, "/app")
            // No inline script or style: every script has a src, no style element or attribute.
            #expect(page.body.components(separatedBy: "<script").count == 2)
            #expect(page.body.contains(#"<script type="module" src="/app/assets/\#(WebAppPages.version)/app.js"></script>"#))
            for name in WebAppPages.assets.keys where name.hasSuffix(".js") && name != "app.js" {
                #expect(page.body.contains(#"<link rel="modulepreload" href="/app/assets/\#(WebAppPages.version)/\#(name)">"#), "\(name)")
            }
            #expect(!page.body.contains("<style"))
            #expect(!page.body.contains("style="))
            #expect(!page.body.contains("{{"))
            #expect(try await api.send(.get, "/app/other").status == 404)
        }
    }

    @Test func thePublicURLIsNamedEscapedInThePage() async throws {
        try await withTestApp({ $0.configuredPublicURL = "https://tasks.example.com/a\"b<c>" }) { api in
            let page = try await api.send(.get, "/app")
            #expect(page.body.contains(#"content="https://tasks.example.com/a&quot;b&lt;c&gt;""#))
        }
    }

    @Test func assetsAreFingerprintedAndCachedForAYear() async throws {
        try await withTestApp { api in
            var total = try await api.send(.get, "/app").body.utf8.count
            for (name, asset) in WebAppPages.assets {
                let reply = try await api.send(.get, "/app/assets/\(WebAppPages.version)/\(name)")
                #expect(reply.status == 200, "\(name)")
                #expect(reply.header("Content-Type") == asset.type)
                #expect(reply.header("Cache-Control") == "public, max-age=31536000, immutable")
                #expect(Array(reply.body.utf8) == asset.bytes)
                total += asset.bytes.count
            }
            // The issue's budget: the page and all its assets under 100 KiB, uncompressed.
            #expect(total < 100 * 1024, "\(total) bytes")
            // Another build's folder, an unknown name, a path: not found.
            #expect(try await api.send(.get, "/app/assets/0123456789abcdef/app.js").status == 404)
            #expect(try await api.send(.get, "/app/assets/\(WebAppPages.version)/missing.js").status == 404)
            #expect(try await api.send(.get, "/app/assets/\(WebAppPages.version)/..%2FPackage.swift").status == 404)
        }
    }

    /// The app's modules import each other relatively and build the page with text nodes only:
    /// no HTML from data, no eval, nothing from another origin.
    @Test func theScriptsWriteNoHTMLAndLoadNothingElse() throws {
        for (name, asset) in WebAppPages.assets where name.hasSuffix(".js") {
            let source = String(decoding: asset.bytes, as: UTF8.self)
            for forbidden in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"] {
                #expect(!source.contains(forbidden), "\(name) has \(forbidden)")
            }
            // The one absolute URL is SVG's namespace, which names and loads nothing.
            let absolute = source.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "")
            #expect(!absolute.contains("http://") && !absolute.contains("https://") && !absolute.contains("//cdn"), "\(name)")
            for line in source.split(separator: "\n") where line.hasPrefix("import ") {
                let target = line.split(separator: "\"").dropFirst().first.map(String.init) ?? ""
                #expect(target.hasPrefix("./") && WebAppPages.assets[String(target.dropFirst(2))] != nil, "\(name): \(line)")
            }
        }
    }
}
