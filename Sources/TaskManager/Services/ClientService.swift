import Foundation

/// Registering, finding and removing OAuth clients: the admin API and `taskmanager client` both
/// come here, so the rules are the same.
struct ClientService: Sendable {
    let clients: ClientRepository
    var clock = AppClock.system

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
