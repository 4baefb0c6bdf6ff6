import Foundation

/// The caller's remembered consents (`/me/consents`): which clients they allowed which scopes, so
/// that a live browser session signs them in without a page; forgetting one brings the page back.
struct ConsentService: Sendable {
    let consents: ConsentRepository
    let clients: ClientAuthenticator

    struct Listed: Sendable {
        var consent: ConsentRepository.Consent
        var clientName: String
    }

    /// Newest first; a client deleted meanwhile takes its consents with it.
    func list(of principal: Principal) async throws -> [Listed] {
        var listed: [Listed] = []
        for consent in try await consents.all(userID: principal.user.id) {
            guard let client = try await clients.find(id: consent.clientID) else { continue }
            listed.append(Listed(consent: consent, clientName: client.name))
        }
        return listed
    }

    func forget(clientID: String, of principal: Principal) async throws {
        // A client id is a built-in one or a UUID: anything else (a NUL, which PostgreSQL's text
        // cannot hold, included) names no consent.
        guard let id = OAuthClient.builtInIDs.contains(clientID) ? clientID : canonicalID(clientID),
            try await consents.delete(userID: principal.user.id, clientID: id)
        else {
            throw APIError.notFound("Consent not found")
        }
    }
}
