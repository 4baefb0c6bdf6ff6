import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Registering, finding and removing OAuth clients: the admin API and `taskmanager client` both
/// come here, so the rules are the same.
struct ClientService: Sendable {
    let clients: ClientRepository
    var clock = AppClock.system
    /// `POST /register` open to anyone (`--open-client-registration`).
    var openRegistration = true

    /// RFC 7591 client metadata, as `POST /register` reads it (`nil`: not given).
    struct OpenRegistration: Sendable {
        var redirectURIs: [String]?
        var name: String?
        var grantTypes: [String]?
        var responseTypes: [String]?
        var scope: String?
    }

    /// Registrations one address may make in an hour, across processes.
    static let registrationsPerHour = 10
    static let registrationWindow: TimeInterval = 3600
    static let registrableGrants = ["authorization_code", "refresh_token"]
    static let unnamed = "Unnamed app"

    struct Registration: Sendable {
        var name: String
        var redirectURIs: [String]
        var confidential = false
        var scopes: [Scope]?
        var postLogoutRedirectURIs: [String] = []
    }

    static let maximumRedirectURIs = 10
    static let notFound = "Client not found"
    static let builtInRefused = "A built-in client cannot be deleted"

    /// Stores a new client; the secret (confidential clients only) is returned here and never again.
    func register(_ registration: Registration, now: Date? = nil) async throws -> (client: OAuthClient, secret: String?) {
        let now = now ?? clock.now()
        var invalid = InvalidFields(problems: [])
        invalid.check("client_name", Self.nameProblem(registration.name))
        invalid.check("redirect_uris", Self.redirectURIsProblem(registration.redirectURIs))
        invalid.check(
            "post_logout_redirect_uris", Self.redirectURIsProblem(registration.postLogoutRedirectURIs, allowsNone: true))
        if let scopes = registration.scopes, scopes.isEmpty { invalid.check("scopes", "List should have at least 1 item") }
        try invalid.throwIfAny()
        let secret = registration.confidential ? OpaqueToken.generate() : nil
        let client = OAuthClient(
            id: UUID().uuidString.lowercased(), name: registration.name, redirectURIs: registration.redirectURIs,
            confidential: registration.confidential, secretHash: secret.map(OpaqueToken.hash),
            scopes: (registration.scopes ?? OAuthClient.defaultScopes).sorted(), createdAt: now,
            postLogoutRedirectURIs: registration.postLogoutRedirectURIs)
        try await clients.create(client)
        return (client, secret)
    }

    /// A public client registered by anyone (RFC 7591): the redirect URIs by the rules an admin's
    /// follow, the code grant (and refreshes), any scope but `admin`; no secret, whatever
    /// authentication method is asked. Marked with `address`, which may register 10 an hour.
    func registerOpenly(_ metadata: OpenRegistration, address: String, now: Date? = nil) async throws -> OAuthClient {
        guard openRegistration else { throw APIError.forbidden("Client registration is turned off on this server") }
        let now = now ?? clock.now()
        guard let uris = metadata.redirectURIs, !uris.isEmpty else {
            throw APIError.registration(.invalidRedirectURI, "redirect_uris is required: at least one redirect URI")
        }
        if let problem = Self.redirectURIsProblem(uris) { throw APIError.registration(.invalidRedirectURI, problem) }
        let name = metadata.name ?? Self.unnamed
        if let problem = Self.nameProblem(name) { throw APIError.registration(.invalidClientMetadata, "client_name: \(problem)") }
        // A name the person reads on the sign-in page: no invisible characters to pass for another app's.
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .format }) {
            throw APIError.registration(.invalidClientMetadata, "client_name: String should not contain invisible formatting characters")
        }
        let grants = metadata.grantTypes ?? Self.registrableGrants
        guard grants.allSatisfy(Self.registrableGrants.contains), grants.contains("authorization_code") else {
            throw APIError.registration(
                .invalidClientMetadata, "grant_types must include authorization_code, and may add refresh_token, nothing else")
        }
        guard (metadata.responseTypes ?? ["code"]) == ["code"] else {
            throw APIError.registration(.invalidClientMetadata, "response_types may only be [\"code\"]")
        }
        if let text = metadata.scope, !text.isEmpty {
            guard let asked = Scope.parseList(text) else { throw APIError.registration(.invalidClientMetadata, "scope: unknown scope") }
            guard !asked.contains(.admin) else {
                throw APIError.registration(.invalidClientMetadata, "scope: admin cannot be registered by anyone; ask an admin")
            }
        }
        // Every scope a person may grant, whatever narrower one was asked (RFC 7591 §2 lets the
        // server replace it): an MCP client registers with the scope of its first request and
        // later steps up (`insufficient_scope`) to more, which the person still allows, one sign-in
        // page at a time.
        let client = OAuthClient(
            id: UUID().uuidString.lowercased(), name: name, redirectURIs: uris, confidential: false, secretHash: nil,
            scopes: OAuthClient.defaultScopes.sorted(), createdAt: now, registeredFrom: Self.registrant(address))
        if let until = try await clients.createOpenly(client, limit: Self.registrationsPerHour, window: Self.registrationWindow) {
            throw APIError.tooManyRegistrations(retryAfter: max(1, Int(until.timeIntervalSince(now).rounded(.up))))
        }
        return client
    }

    /// Whom the hourly limit counts: an IPv4 address, or an IPv6 address's /64 (one host's usual
    /// share, which it may fill with addresses of its own).
    static func registrant(_ address: String) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard address.contains(":"), inet_pton(AF_INET6, address, &bytes) == 1 else { return address }
        return bytes.prefix(8).map { String(format: "%02x", $0) }.joined() + "::/64"
    }

    /// Registered clients, oldest first (the built-in ones are not listed: they are always there).
    func list() async throws -> [OAuthClient] {
        try await clients.all()
    }

    /// Removes a registered client and ends its sessions.
    func delete(id: String, now: Date? = nil) async throws {
        let now = now ?? clock.now()
        if OAuthClient.builtInIDs.contains(id) { throw APIError.conflict(Self.builtInRefused) }
        guard let id = canonicalID(id), try await clients.delete(id: id, now: now) else {
            throw APIError.notFound(Self.notFound)
        }
    }

    static func nameProblem(_ name: String) -> String? {
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "String should not contain control characters"
        }
        guard (1...100).contains(name.unicodeScalars.count), !name.allSatisfy(\.isWhitespace) else {
            return "String should have 1 to 100 characters, not all spaces"
        }
        return nil
    }

    /// The rules of a list of redirect URIs (post-logout ones may be none).
    static func redirectURIsProblem(_ uris: [String], allowsNone: Bool = false) -> String? {
        guard ((allowsNone ? 0 : 1)...maximumRedirectURIs).contains(uris.count) else {
            return "List should have \(allowsNone ? 0 : 1) to \(maximumRedirectURIs) items"
        }
        guard Set(uris).count == uris.count else { return "A redirect URI is listed twice" }
        return uris.lazy.compactMap(RedirectURI.problem).first
    }
}
