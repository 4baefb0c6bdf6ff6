import Foundation

/// An application that signs users in through `/authorize` (RFC 6749 §2): public (a browser or
/// mobile app, which cannot keep a secret and proves itself with PKCE alone) or confidential (a
/// server, which also authenticates with its secret).
struct OAuthClient: Sendable, Equatable {
    var id: String
    var name: String
    var redirectURIs: [String]
    var confidential: Bool
    /// SHA-256 of the secret, hex; `nil` for public clients. The secret is 256 random bits, so a
    /// fast hash is enough: nothing can be guessed, and bcrypt would cost every code exchange 200 ms.
    var secretHash: String?
    /// What the client may ask for.
    var scopes: [Scope]
    var createdAt: Date
    /// Where `/logout` may send the browser afterwards (RP-Initiated Logout 1.0): exactly these.
    var postLogoutRedirectURIs: [String] = []
    /// The address that registered it at `POST /register` (RFC 7591); `nil` for a client an admin
    /// made. Such a client is shown as not verified by TaskManager.
    var registeredFrom: String? = nil

    /// Made by an admin (or built in), not by anyone at `POST /register`.
    var isVerified: Bool { registeredFrom == nil }

    /// Built-in clients are not in the table: their redirect URIs follow `--public-url`.
    var isBuiltIn: Bool { Self.builtInIDs.contains(id) }

    static let swaggerUI = "swagger-ui"
    static let web = "taskmanager-web"
    static let commandLine = "taskmanager-cli"
    static let builtInIDs: Set<String> = [swaggerUI, web, commandLine]
    /// Where the web app lands after `/logout`: its signed-out screen.
    static let webSignedOutPath = "/app/signed-out"

    /// Whether it may sign in with the device grant: `tm` and registered clients; not the browser
    /// apps, which have a redirect for that.
    /// A client anyone registered has the code grant alone (RFC 7591 `grant_types`).
    var usesDeviceGrant: Bool { id == Self.commandLine || (!isBuiltIn && isVerified) }

    /// The public clients every server has (API.md): Swagger UI's Authorize dialog, the web app, and
    /// `tm`, which signs in with the device grant only (no redirect URI: `/authorize` refuses it).
    static func builtIns(publicURL: String) -> [OAuthClient] {
        // Swagger UI explores the whole API, admin operations included; the web app needs no admin.
        let all = Scope.api
        return [
            OAuthClient(
                id: swaggerUI, name: "Swagger UI", redirectURIs: [publicURL + "/docs/oauth2-redirect"], confidential: false,
                secretHash: nil, scopes: all, createdAt: Date(timeIntervalSince1970: 0)),
            OAuthClient(
                id: web, name: "TaskManager", redirectURIs: [publicURL + "/app/callback"], confidential: false,
                secretHash: nil, scopes: defaultScopes, createdAt: Date(timeIntervalSince1970: 0),
                postLogoutRedirectURIs: [publicURL + webSignedOutPath]),
            OAuthClient(
                id: commandLine, name: "TaskManager command line (tm)", redirectURIs: [], confidential: false,
                secretHash: nil, scopes: defaultScopes, createdAt: Date(timeIntervalSince1970: 0)),
        ]
    }

    /// Whether the client may ask for `scope`: one of its own, or one of OpenID Connect's, which
    /// any client may ask for.
    func mayAsk(for scope: Scope) -> Bool { scopes.contains(scope) || scope.isIdentity }

    /// What a registered client may have unless it says otherwise: everything but `admin`.
    static let defaultScopes: [Scope] = Scope.api.filter { $0 != .admin }

    /// `uri` is one of this client's, by the contract's rule: the same string, except that a
    /// loopback IP literal matches on any port (RFC 8252 §7.3: native apps listen on a port the
    /// system picks).
    func allowsRedirect(to uri: String) -> Bool {
        if redirectURIs.contains(uri) { return true }
        guard let requested = RedirectURI.loopbackKey(uri) else { return false }
        return redirectURIs.contains { RedirectURI.loopbackKey($0) == requested }
    }
}

/// The rules for a registered redirect URI, written once (the admin API and the command use them).
enum RedirectURI {
    static let maximumLength = 2_000
    /// Hosts on which plain `http` is allowed: nothing leaves the machine.
    static let loopbackHosts: Set<String> = ["127.0.0.1", "[::1]", "localhost"]

    /// Why `uri` cannot be registered, or `nil`.
    static func problem(_ uri: String) -> String? {
        guard !uri.isEmpty, uri.utf8.count <= maximumLength else {
            return "A redirect URI must have 1 to \(maximumLength) characters"
        }
        guard !uri.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || $0.value > 0x7E }) else {
            return "A redirect URI must be ASCII without spaces or control characters (percent-encode the rest)"
        }
        guard !uri.contains("#") else { return "A redirect URI must not have a fragment" }
        guard let parts = URLComponents(string: uri), let scheme = parts.scheme, let host = parts.percentEncodedHost,
            !host.isEmpty, parts.percentEncodedUser == nil, parts.percentEncodedPassword == nil
        else {
            return "A redirect URI must be an absolute URI like https://app.example.com/callback"
        }
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        switch scheme {
        case "https":
            return nil
        case "http" where loopbackHosts.contains(bracketed.lowercased()):
            return nil
        default:
            return "A redirect URI must use https, or http on a loopback host (127.0.0.1, [::1], localhost)"
        }
    }

    /// `http://127.0.0.1:PORT/rest` and `http://[::1]:PORT/rest` without the port, for matching on
    /// any port; `nil` for every other URI (`localhost` included: RFC 8252 §8.3 advises against
    /// relying on it, so it matches exactly).
    static func loopbackKey(_ uri: String) -> String? {
        for prefix in ["http://127.0.0.1", "http://[::1]"] where uri.hasPrefix(prefix) {
            var rest = uri.dropFirst(prefix.count)
            if rest.first == ":" {
                let digits = rest.dropFirst().prefix { $0.isASCII && $0.isNumber }
                guard (1...5).contains(digits.count) else { return nil }
                rest = rest.dropFirst(1 + digits.count)
            }
            guard rest.isEmpty || rest.first == "/" else { return nil }
            return prefix + rest
        }
        return nil
    }
}
